{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Dibao standards as a periodic snapshot: one row per region (city, county,
-- township), grain (month, quarter, year) and period, with the urban and rural
-- standards in force on the period's last day (the last day of its last month
-- with data, int_standard_month). Standards are set per county: a county row
-- holds its own, a township row its county's, a city row the sum and count
-- over its counties, so that sum ÷ count is the average over the counties and
-- stays right when rows are added up. The paired sums cover the counties that
-- have both standards, for the rural/urban ratio.
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
        coalesce(sum(county_standards.rural_dibao_standard_yuan) filter (where county_standards.urban_dibao_standard_yuan is not null), 0) as paired_rural_standard_sum_yuan
    from county_standards
    inner join region_counties on region_counties.county_code = county_standards.region_code
    group by 1, 2, 3
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
        monthly.paired_urban_standard_sum_yuan,
        monthly.paired_rural_standard_sum_yuan
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    inner join regions on regions.region_code = monthly.region_code
)

select * from final
