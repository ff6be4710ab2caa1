-- Working days from acceptance to decision, counting official holidays and
-- make-up workdays: the workdays after the acceptance day up to and including
-- the decision day.
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
        decided.workday_number - accepted.workday_number as working_days_to_decide,
        accepted.is_official and decided.is_official as is_official_calendar
    from applications
    inner join calendar as accepted on accepted.day = applications.accepted_on
    inner join calendar as decided on decided.day = applications.decided_on
    where applications.decided_on is not null
)

select * from final
