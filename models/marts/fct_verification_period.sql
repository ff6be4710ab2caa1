{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Economic-status verifications (家庭经济状况核对) as flows: one row per region
-- (city, county, township), grain (month, quarter, year), period and breakdown
-- (verification type, result), counting the verifications dated in the period
-- and among them the mismatches (不符合 only, domain.md) and, apart, the
-- suspected mismatches (疑似不符待核实).
with periods as (
    select * from {{ ref('int_period_months') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

verifications as (
    select * from {{ ref('stg_raw__economic_verifications') }}
),

village_monthly as (
    select
        verified_month as month_start,
        region_code,
        verification_type,
        result,
        count(*) as verifications,
        count(*) filter (where is_mismatch) as mismatches,
        count(*) filter (where is_suspected_mismatch) as suspected_mismatches
    from verifications
    group by 1, 2, 3, 4
),

monthly as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.verification_type,
        village_monthly.result,
        sum(village_monthly.verifications) as verifications,
        sum(village_monthly.mismatches) as mismatches,
        sum(village_monthly.suspected_mismatches) as suspected_mismatches
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3, 4
),

rolled_up as (
    select
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.region_code,
        monthly.verification_type,
        monthly.result,
        sum(monthly.verifications) as verifications,
        sum(monthly.mismatches) as mismatches,
        sum(monthly.suspected_mismatches) as suspected_mismatches
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6, 7
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code,
            rolled_up.verification_type, rolled_up.result) as period_region_key,
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
        rolled_up.verification_type,
        rolled_up.result,
        rolled_up.verifications,
        rolled_up.mismatches,
        rolled_up.suspected_mismatches
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
