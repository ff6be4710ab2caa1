-- Working days from acceptance, counting official holidays and make-up
-- workdays: for every application its deadline (the
-- var('decision_working_days_limit')-th workday after the acceptance day: in
-- time when decided on it, late from the next workday on), and for a decided
-- one the workdays after the acceptance day up to and including the decision
-- day. Acceptance or decision outside the calendar: null.
with applications as (
    select * from {{ ref('stg_raw__applications') }}
),

calendar as (
    select * from {{ ref('stg_ref__calendar_days') }}
),

final as (
    select
        applications.application_id,
        applications.accepted_on,
        applications.decided_on,
        due.day as deadline_on,
        date_trunc('month', due.day)::date as deadline_month,
        decided.workday_number - accepted.workday_number as working_days_to_decide,
        accepted.is_official and coalesce(decided.is_official, true) as is_official_calendar
    from applications
    left join calendar as accepted on accepted.day = applications.accepted_on
    left join calendar as decided on decided.day = applications.decided_on
    left join calendar as due
        on due.workday_number = accepted.workday_number + {{ var('decision_working_days_limit', 20) }}
        and due.is_workday
)

select * from final
