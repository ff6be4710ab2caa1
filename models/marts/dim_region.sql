-- One row per region with its city, county and township above it (or itself).
with regions as (
    select * from {{ ref('stg_raw__regions') }}
),

ancestors as (
    select * from {{ ref('int_region_ancestors') }}
),

lineage as (
    select
        ancestors.region_code,
        max(ancestors.ancestor_code) filter (where ancestors.ancestor_level = 'city') as city_code,
        max(ancestors.ancestor_code) filter (where ancestors.ancestor_level = 'county') as county_code,
        max(ancestors.ancestor_code) filter (where ancestors.ancestor_level = 'township') as township_code
    from ancestors
    group by ancestors.region_code
),

final as (
    select
        regions.region_code,
        regions.region_name,
        regions.region_level,
        regions.parent_code,
        regions.urban_rural,
        regions.registered_population,
        lineage.city_code,
        city.region_name as city_name,
        lineage.county_code,
        county.region_name as county_name,
        lineage.township_code,
        township.region_name as township_name
    from regions
    inner join lineage on lineage.region_code = regions.region_code
    left join regions as city on city.region_code = lineage.city_code
    left join regions as county on county.region_code = lineage.county_code
    left join regions as township on township.region_code = lineage.township_code
)

select * from final
