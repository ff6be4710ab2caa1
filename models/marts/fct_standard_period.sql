{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Dibao standards as a periodic snapshot: one row per region (city, county,
-- township), grain (month, quarter, year) and period, with the urban and rural
-- standards in force on the period's last day (the last day of its last month
-- with data, int_standard_month). Standards are set per county: a county row
-- holds its own, a township row its county's. A city row follows domain.md's
-- "city-level standards": per standard type, the city's own row of the
-- standards export where there is one (sum = that standard, count = 1),
-- otherwise the sum and count over its counties, so that sum ÷ count is the
-- simple mean and stays right when rows are added up. Every row also holds the
-- lowest and highest county standard in force (min/max, right at any level).
-- The paired sums cover the counties that have both standards, for the
-- rural/urban ratio; a city with a standard of its own pairs its two figures.
with periods as (
    select * from {{ ref('int_period_months') }}
    where is_snapshot_month
),

-- the rows of the mart: every city, county and township, paired with itself
regions as (
    select * from {{ ref('int_rollup_ancestors') }}
    where distance = 0
),

counties as (
    select * from regions
    where ancestor_level = 'county'
),

county_standards as (
    select * from {{ ref('int_standard_month') }}
    where region_level = 'county'
),

city_standards as (
    select * from {{ ref('int_standard_month') }}
    where region_level = 'city'
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
        periods.period_grain || ':' || periods.period_start || ':' || monthly.region_code as period_region_key,
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.in_force_on,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        coalesce(monthly.urban_standard_sum_yuan, 0) as urban_standard_sum_yuan,
        monthly.urban_standard_regions,
        coalesce(monthly.rural_standard_sum_yuan, 0) as rural_standard_sum_yuan,
        monthly.rural_standard_regions,
        monthly.paired_urban_figure_yuan as paired_urban_standard_sum_yuan,
        monthly.paired_rural_figure_yuan as paired_rural_standard_sum_yuan,
        monthly.urban_standard_min_yuan,
        monthly.urban_standard_max_yuan,
        monthly.rural_standard_min_yuan,
        monthly.rural_standard_max_yuan,
        monthly.has_city_standard
    from periods
    inner join city_figures as monthly on monthly.month_start = periods.month_start
    inner join regions on regions.region_code = monthly.region_code
)

select * from final
