{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook=["{{ delete_changed_months('month_start') }}",
        "{% if is_incremental() %}delete from {{ this }} where finding_type = 'pending_overdue'{% endif %}",
        "{{ relocate_findings('month_start', ['person_name']) }}"],
    indexes=[{'columns': ['month_start']}]) }}
-- Dibao (低保) and tekun (特困) applications not decided within the limit of
-- working days from acceptance (var decision_working_days_limit, official
-- holidays and make-up workdays counted): decided late (late_decision, in the
-- month of the decision), or still pending (办理中) at the end of the data
-- with more working days elapsed than the limit (pending_overdue, in the last
-- month of dim_month). A decision on exactly the limit's last day is in time.
-- Incremental: a decided application's finding depends on its own row (a
-- changed application changes its acceptance and decision months, old and
-- new) and sits in its decision month: the changed months are rebuilt. The
-- pending ones (few) are judged by the data's last month, which a load may
-- move: all of them are rebuilt on every build. The names placed by another
-- month's listing are placed again by relocate_findings.
with applications as (
    select * from {{ ref('stg_raw__applications') }}
    where application_type in ('低保', '特困')
),

working_days as (
    select * from {{ ref('int_application_working_days') }}
),

calendar as (
    select * from {{ ref('stg_ref__calendar_days') }}
),

as_of as (
    select
        max(month_start) as month_start,
        max(month_end) as as_of_on
    from {{ ref('dim_month') }}
),

locations as (
    select * from {{ ref('int_integrity_person_locations') }}
),

decided_late as (
    select
        'late_decision' as finding_type,
        applications.*,
        applications.decided_month as month_start,
        working_days.working_days_to_decide as working_days
    from applications
    inner join working_days on working_days.application_id = applications.application_id
    where working_days.working_days_to_decide > {{ var('decision_working_days_limit') }}
        and {{ in_changed_months('applications.decided_month') }}
),

pending_overdue as (
    select
        'pending_overdue' as finding_type,
        applications.*,
        as_of.month_start,
        as_of_day.workday_number - accepted.workday_number as working_days
    from applications
    cross join as_of
    inner join calendar as accepted on accepted.day = applications.accepted_on
    inner join calendar as as_of_day on as_of_day.day = as_of.as_of_on
    where applications.decision = '办理中'
        and as_of_day.workday_number - accepted.workday_number > {{ var('decision_working_days_limit') }}
),

late as (
    select * from decided_late
    union all
    select * from pending_overdue
),

with_due_date as (
    select
        late.*,
        due.day as due_on
    from late
    left join calendar as accepted on accepted.day = late.accepted_on
    left join calendar as due
        on due.workday_number = accepted.workday_number + {{ var('decision_working_days_limit') }}
        and due.is_workday
),

located as (
    -- the name on the roster closest to the month of the finding
    {{ nearest_listing('with_due_date', 'application_id', 'month_start', ['person_name']) }}
),

final as (
    select
        finding_type || ':' || application_id as finding_id,
        finding_type,
        month_start,
        application_id,
        application_type,
        id_number,
        person_name,
        region_code,
        discovery_channel,
        accepted_on,
        due_on,
        decided_on,
        decision,
        working_days,
        {{ var('decision_working_days_limit') }} as working_days_limit,
        case finding_type
            when 'late_decision' then format(
                '%s申请 %s 于 %s 受理，%s 办结（%s），用时 %s 个工作日，超过 %s 个工作日的时限（办结期限 %s）',
                application_type, application_id, to_char(accepted_on, 'YYYY-MM-DD'), to_char(decided_on, 'YYYY-MM-DD'),
                decision, working_days, {{ var('decision_working_days_limit') }}, to_char(due_on, 'YYYY-MM-DD')
            )
            else format(
                '%s申请 %s 于 %s 受理，截至 %s 仍在办理中，已过 %s 个工作日，超过 %s 个工作日的时限（办结期限 %s）',
                application_type, application_id, to_char(accepted_on, 'YYYY-MM-DD'),
                to_char((select as_of_on from as_of), 'YYYY-MM-DD'),
                working_days, {{ var('decision_working_days_limit') }}, to_char(due_on, 'YYYY-MM-DD')
            )
        end as evidence
    from located
)

select * from final
