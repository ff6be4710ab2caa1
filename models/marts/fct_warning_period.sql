{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append',
    pre_hook="{{ delete_changed_periods_indexed(also=warning_months_judged_by_as_of()) }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
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
-- Incremental: a warning changes the months of its dates; the as-of date
-- moves with any month, but it only decides a pending warning raised within
-- the limit before its month's last day (after that it is late whatever the
-- as-of date, which is never before that day): the periods of the changed
-- months and of the months holding such a warning are rebuilt.
{%- set dimensions = ['source_department', 'warning_level', 'handling_status', 'outcome'] %}
{%- set measures = ['warnings', 'handled_warnings', 'handled_within_limit', 'days_to_handle', 'pending_past_limit', 'warnings_due'] %}
{%- set limit_days = var('warning_handling_days', 15) %}
{%- set also = warning_months_judged_by_as_of() %}
with warnings as (
    select * from {{ ref('stg_raw__warnings') }}
),

as_of as (
    select (date_trunc('month', max(greatest(warned_on, coalesce(handled_on, warned_on)))) + interval '1 month - 1 day')::date as as_of_on
    from warnings
),

judged as (
    select
        warnings.*,
        not warnings.is_handled and as_of.as_of_on - warnings.warned_on > {{ limit_days }} as is_pending_past_limit,
        not warnings.is_handled and as_of.as_of_on - warnings.warned_on <= {{ limit_days }} as is_pending_within_limit
    from warnings
    cross join as_of
    where {{ in_changed_years('warnings.warned_month', also) }}
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
        count(*) filter (where is_handled and days_to_handle <= {{ limit_days }}) as handled_within_limit,
        coalesce(sum(days_to_handle) filter (where is_handled), 0) as days_to_handle,
        count(*) filter (where is_pending_past_limit) as pending_past_limit,
        count(*) filter (where not is_pending_within_limit) as warnings_due
    from judged
    group by 1, 2, 3, 4, 5, 6
),

monthly as (
    {{ to_ancestors('village_monthly', dimensions, measures) }}
),

final as (
    {{ period_rollup('monthly', dimensions, measures,
        key=['source_department', 'warning_level', 'handling_status', "coalesce(outcome, '-')"], also=also) }}
)

select * from final
