{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append',
    pre_hook="{{ delete_changed_periods_indexed(also=months_after_changed(decision_deadline_months())) }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Applications (审核确认) as flows: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (type,
-- discovery channel, decision): those decided (办结) in the period and their
-- working days. The time limit (domain.md) covers 低保 and 特困: in time within
-- var('decision_working_days_limit') working days of acceptance; its base adds
-- those still pending (办理中) whose deadline fell in the period.
-- Incremental: an application changes the months of its acceptance and
-- decision; a pending one counts in its deadline's month, at most
-- decision_deadline_months() after its acceptance, so the periods of the
-- changed months and of those months after them are rebuilt.
{%- set dimensions = ['application_type', 'discovery_channel', 'decision'] %}
{%- set measures = ['decided_applications', 'approved_applications', 'approved_applications_proactive', 'decided_within_limit',
    'decided_with_working_days', 'working_days_to_decide', 'time_limited_decided', 'pending_past_deadline', 'time_limited_applications'] %}
{%- set also = months_after_changed(decision_deadline_months()) %}
with applications as (
    select * from {{ ref('fct_application') }}
),

working_days as (
    select * from {{ ref('int_application_working_days') }}
),

village_monthly as (
    select
        applications.decided_month as month_start,
        applications.region_code,
        applications.application_type,
        applications.discovery_channel,
        applications.decision,
        count(*) as decided_applications,
        count(*) filter (where applications.is_approved) as approved_applications,
        count(*) filter (where applications.is_approved and applications.is_proactive) as approved_applications_proactive,
        count(*) filter (where applications.application_type in ('低保', '特困')
            and working_days.working_days_to_decide <= {{ var('decision_working_days_limit', 20) }}) as decided_within_limit,
        count(working_days.working_days_to_decide) as decided_with_working_days,
        coalesce(sum(working_days.working_days_to_decide), 0) as working_days_to_decide,
        count(*) filter (where applications.application_type in ('低保', '特困')) as time_limited_decided,
        0 as pending_past_deadline,
        count(*) filter (where applications.application_type in ('低保', '特困')) as time_limited_applications
    from applications
    left join working_days on working_days.application_id = applications.application_id
    where applications.decided_on is not null
        and {{ in_changed_years('applications.decided_month', also) }}
    group by 1, 2, 3, 4, 5
    union all
    select
        working_days.deadline_month, applications.region_code, applications.application_type,
        applications.discovery_channel, applications.decision, 0, 0, 0, 0, 0, 0, 0, count(*), count(*)
    from applications
    inner join working_days on working_days.application_id = applications.application_id
    where applications.decided_on is null
        and applications.application_type in ('低保', '特困')
        and working_days.deadline_month is not null
        and {{ in_changed_years('working_days.deadline_month', also) }}
    group by 1, 2, 3, 4, 5
),

monthly as (
    {{ to_ancestors('village_monthly', dimensions, measures) }}
),

final as (
    {{ period_rollup('monthly', dimensions, measures, also=also) }}
)

select * from final
