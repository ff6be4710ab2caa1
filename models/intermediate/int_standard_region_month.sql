{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}") }}
-- The dibao standards in force by month and region (city, county, township);
-- fct_standard_period takes each period's last month with data, where the
-- rules of a city's figures are written out.
with regions as (
    select * from {{ ref('int_rollup_ancestors') }}
    where distance = 0
),

counties as (
    select * from regions
    where ancestor_level = 'county'
),

county_standards as (
    select * from {{ ref('int_standard_month') }}
    where {{ in_changed_months('month_start') }} and region_level = 'county'
),

city_standards as (
    select * from {{ ref('int_standard_month') }}
    where {{ in_changed_months('month_start') }} and region_level = 'city'
),

-- the counties whose standards each region row reports
region_counties as (
    select
        regions.region_code,
        counties.region_code as county_code
    from regions
    inner join counties
        on counties.region_code = regions.ancestor_county_code
        or (regions.ancestor_level = 'city' and counties.ancestor_city_code = regions.region_code)
),

monthly as (
    select
        county_standards.month_start,
        county_standards.in_force_on,
        region_counties.region_code,
        sum(county_standards.urban_dibao_standard_yuan) as urban_standard_sum_yuan,
        count(county_standards.urban_dibao_standard_yuan) as urban_standard_regions,
        sum(county_standards.rural_dibao_standard_yuan) as rural_standard_sum_yuan,
        count(county_standards.rural_dibao_standard_yuan) as rural_standard_regions,
        coalesce(sum(county_standards.urban_dibao_standard_yuan) filter (where county_standards.rural_dibao_standard_yuan is not null), 0) as paired_urban_standard_sum_yuan,
        coalesce(sum(county_standards.rural_dibao_standard_yuan) filter (where county_standards.urban_dibao_standard_yuan is not null), 0) as paired_rural_standard_sum_yuan,
        min(county_standards.urban_dibao_standard_yuan) as urban_standard_min_yuan,
        max(county_standards.urban_dibao_standard_yuan) as urban_standard_max_yuan,
        min(county_standards.rural_dibao_standard_yuan) as rural_standard_min_yuan,
        max(county_standards.rural_dibao_standard_yuan) as rural_standard_max_yuan
    from county_standards
    inner join region_counties on region_counties.county_code = county_standards.region_code
    group by 1, 2, 3
),

-- the city's own standard replaces the mean of its counties, type by type
with_city as (
    select
        monthly.month_start,
        monthly.in_force_on,
        monthly.region_code,
        coalesce(city_standards.urban_dibao_standard_yuan, monthly.urban_standard_sum_yuan) as urban_standard_sum_yuan,
        case when city_standards.urban_dibao_standard_yuan is not null then 1 else monthly.urban_standard_regions end as urban_standard_regions,
        coalesce(city_standards.rural_dibao_standard_yuan, monthly.rural_standard_sum_yuan) as rural_standard_sum_yuan,
        case when city_standards.rural_dibao_standard_yuan is not null then 1 else monthly.rural_standard_regions end as rural_standard_regions,
        monthly.paired_urban_standard_sum_yuan,
        monthly.paired_rural_standard_sum_yuan,
        monthly.urban_standard_min_yuan,
        monthly.urban_standard_max_yuan,
        monthly.rural_standard_min_yuan,
        monthly.rural_standard_max_yuan,
        city_standards.urban_dibao_standard_yuan is not null or city_standards.rural_dibao_standard_yuan is not null as has_city_standard
    from monthly
    left join city_standards
        on city_standards.month_start = monthly.month_start
        and city_standards.region_code = monthly.region_code
),

city_figures as (
    select
        with_city.*,
        -- with a city standard, the ratio is of the city's two figures
        case when has_city_standard then
            coalesce(urban_standard_sum_yuan / nullif(urban_standard_regions, 0), 0)
            * (rural_standard_regions > 0)::int
        else paired_urban_standard_sum_yuan end as paired_urban_figure_yuan,
        case when has_city_standard then
            coalesce(rural_standard_sum_yuan / nullif(rural_standard_regions, 0), 0)
            * (urban_standard_regions > 0)::int
        else paired_rural_standard_sum_yuan end as paired_rural_figure_yuan
    from with_city
),

final as (
    select
        month_start || ':' || region_code as month_region_key,
        month_start,
        in_force_on,
        region_code,
        coalesce(urban_standard_sum_yuan, 0) as urban_standard_sum_yuan,
        urban_standard_regions,
        coalesce(rural_standard_sum_yuan, 0) as rural_standard_sum_yuan,
        rural_standard_regions,
        paired_urban_figure_yuan as paired_urban_standard_sum_yuan,
        paired_rural_figure_yuan as paired_rural_standard_sum_yuan,
        urban_standard_min_yuan,
        urban_standard_max_yuan,
        rural_standard_min_yuan,
        rural_standard_max_yuan,
        has_city_standard
    from city_figures
)

select * from final
