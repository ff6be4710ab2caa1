{{ config(post_hook='analyze {{ this }}') }}
-- Every region paired with each city, county and township it counts in (itself
-- included when it is one), with that ancestor's name, level and lineage as in
-- dim_region. The fct_*_period marts report at these three levels only: they
-- join their village facts here and group by ancestor_code to roll them up, and
-- take a reported region's attributes from its row paired with itself
-- (distance 0), so the level filter and the region columns are set once.
-- Analyzed once built: the marts join their largest facts to it inside the
-- load's transaction, where autovacuum cannot have analyzed it yet, and with
-- no statistics the planner sorted those facts for a merge join instead of
-- hashing this small table (fct_indicator_period took 40 % longer).
with ancestors as (
    select * from {{ ref('int_region_ancestors') }}
    where ancestor_level in ('city', 'county', 'township')
),

regions as (
    select * from {{ ref('dim_region') }}
),

final as (
    select
        ancestors.ancestry_key,
        ancestors.region_code,
        ancestors.ancestor_code,
        ancestors.distance,
        regions.region_level as ancestor_level,
        regions.region_name as ancestor_name,
        regions.parent_code as ancestor_parent_code,
        regions.registered_population as ancestor_registered_population,
        regions.city_code as ancestor_city_code,
        regions.city_name as ancestor_city_name,
        regions.county_code as ancestor_county_code,
        regions.county_name as ancestor_county_name,
        regions.township_code as ancestor_township_code,
        regions.township_name as ancestor_township_name
    from ancestors
    inner join regions on regions.region_code = ancestors.ancestor_code
)

select * from final
