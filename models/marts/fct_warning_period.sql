{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Monitoring warnings (预警信息) as flows: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (source
-- department, level, handling status, outcome), counting the warnings raised
-- (预警日期) in the period, those handled (已处置) so far, and those handled
-- within var('warning_handling_days') days of the warning (days from the day
-- after the warning: day 15 is in time). domain.md's share of warnings handled
-- within 15 days is over the warnings raised in the period less those still
-- pending and not yet past their 15 days on the data's as-of date (the last
-- day of the latest month in which any 预警日期 or 处置日期 falls); a pending
-- warning past its 15 days on that date is late (pending_past_limit).
with periods as (
    select * from {{ ref('int_period_months') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

warnings as (
    select * from {{ ref('stg_raw__warnings') }}
),

as_of as (
    select (date_trunc('month', max(greatest(warned_on, coalesce(handled_on, warned_on)))) + interval '1 month - 1 day')::date as as_of_on
    from warnings
),

judged as (
    select
        warnings.*,
        not warnings.is_handled
            and as_of.as_of_on - warnings.warned_on > {{ var('warning_handling_days', 15) }} as is_pending_past_limit,
        not warnings.is_handled
            and as_of.as_of_on - warnings.warned_on <= {{ var('warning_handling_days', 15) }} as is_pending_within_limit
    from warnings
    cross join as_of
),

village_monthly as (
    select
        warned_month as month_start,
        region_code,
        source_department,
        warning_level,
        handling_status,
        outcome,
        count(*) as warnings,
        count(*) filter (where is_handled) as handled_warnings,
        count(*) filter (where is_handled and days_to_handle <= {{ var('warning_handling_days', 15) }}) as handled_within_limit,
        coalesce(sum(days_to_handle) filter (where is_handled), 0) as days_to_handle,
        count(*) filter (where is_pending_past_limit) as pending_past_limit,
        count(*) filter (where not is_pending_within_limit) as warnings_due
    from judged
    group by 1, 2, 3, 4, 5, 6
),

monthly as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.source_department,
        village_monthly.warning_level,
        village_monthly.handling_status,
        village_monthly.outcome,
        sum(village_monthly.warnings) as warnings,
        sum(village_monthly.handled_warnings) as handled_warnings,
        sum(village_monthly.handled_within_limit) as handled_within_limit,
        sum(village_monthly.days_to_handle) as days_to_handle,
        sum(village_monthly.pending_past_limit) as pending_past_limit,
        sum(village_monthly.warnings_due) as warnings_due
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
        monthly.source_department,
        monthly.warning_level,
        monthly.handling_status,
        monthly.outcome,
        sum(monthly.warnings) as warnings,
        sum(monthly.handled_warnings) as handled_warnings,
        sum(monthly.handled_within_limit) as handled_within_limit,
        sum(monthly.days_to_handle) as days_to_handle,
        sum(monthly.pending_past_limit) as pending_past_limit,
        sum(monthly.warnings_due) as warnings_due
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code, rolled_up.source_department,
            rolled_up.warning_level, rolled_up.handling_status, coalesce(rolled_up.outcome, '-')) as period_region_key,
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
        rolled_up.source_department,
        rolled_up.warning_level,
        rolled_up.handling_status,
        rolled_up.outcome,
        rolled_up.warnings,
        rolled_up.handled_warnings,
        rolled_up.handled_within_limit,
        rolled_up.days_to_handle,
        rolled_up.pending_past_limit,
        rolled_up.warnings_due
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
