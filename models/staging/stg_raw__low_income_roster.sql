with source as (
    select * from {{ source('raw', 'low_income_roster') }}
),

renamed as (
    select
        stat_month,
        household_id,
        id_number,
        person_name,
        region_code,
        category,
        monitored_since
    from source
)

select * from renamed
