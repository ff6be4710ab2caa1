{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Temporary relief (临时救助) as flows: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (relief type,
-- hardship cause, approval route, residence type), summing the acts, amounts
-- and 人次 (persons relieved) of the acts dated in the period.
with periods as (
    select * from {{ ref('int_period_months') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

relief as (
    select * from {{ ref('fct_temp_relief') }}
),

village_monthly as (
    select
        relief_month as month_start,
        region_code,
        relief_type,
        hardship_cause,
        approval_route,
        residence_type,
        count(*) as relief_acts,
        sum(amount_yuan) as amount_yuan,
        sum(person_times) as person_times
    from relief
    group by 1, 2, 3, 4, 5, 6
),

monthly as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.relief_type,
        village_monthly.hardship_cause,
        village_monthly.approval_route,
        village_monthly.residence_type,
        sum(village_monthly.relief_acts) as relief_acts,
        sum(village_monthly.amount_yuan) as amount_yuan,
        sum(village_monthly.person_times) as person_times
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3, 4, 5, 6
),

rolled_up as (
    select
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.region_code,
        monthly.relief_type,
        monthly.hardship_cause,
        monthly.approval_route,
        monthly.residence_type,
        sum(monthly.relief_acts) as relief_acts,
        sum(monthly.amount_yuan) as amount_yuan,
        sum(monthly.person_times) as person_times
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code, rolled_up.relief_type,
            rolled_up.hardship_cause, rolled_up.approval_route, coalesce(rolled_up.residence_type, '-')) as period_region_key,
        rolled_up.period_grain,
        rolled_up.period_start,
        rolled_up.snapshot_month,
        rolled_up.months_covered,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        rolled_up.relief_type,
        rolled_up.hardship_cause,
        rolled_up.approval_route,
        rolled_up.residence_type,
        rolled_up.relief_acts,
        rolled_up.amount_yuan,
        rolled_up.person_times
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
