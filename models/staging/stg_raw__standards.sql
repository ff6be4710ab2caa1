with source as (
    select * from {{ source('raw', 'standards') }}
),

renamed as (
    select
        region_code,
        standard_type,
        amount_yuan,
        unit,
        -- yearly standards are compared with monthly benefits per month
        case when unit = '元/人·年' then round(amount_yuan / 12, 2) else amount_yuan end as monthly_amount_yuan,
        effective_on
    from source
)

select * from renamed
