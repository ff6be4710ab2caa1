with source as (
    select * from {{ source('raw', 'temp_relief') }}
),

renamed as (
    select
        relief_id,
        id_number,
        person_name,
        region_code,
        relief_on,
        date_trunc('month', relief_on)::date as relief_month,
        amount_yuan,
        persons_relieved,
        relief_type,
        hardship_cause,
        approval_route,
        residence_type
    from source
)

select * from renamed
