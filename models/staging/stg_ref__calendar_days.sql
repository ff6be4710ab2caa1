with source as (
    select * from {{ source('ref', 'calendar_days') }}
),

renamed as (
    select
        day,
        is_workday,
        holiday_name,
        is_official,
        workday_number
    from source
)

select * from renamed
