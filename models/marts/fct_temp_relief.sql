-- Temporary relief acts; 人次 is the number of persons relieved by each act.
with relief as (
    select * from {{ ref('stg_raw__temp_relief') }}
),

final as (
    select
        relief_id,
        relief_on,
        relief_month,
        region_code,
        id_number,
        amount_yuan,
        persons_relieved as person_times,
        relief_type,
        hardship_cause,
        approval_route,
        residence_type
    from relief
)

select * from final
