with source as (
    select * from {{ source('raw', 'rectification_items') }}
),

renamed as (
    select
        item_id,
        found_on,
        item_source,
        region_code,
        category,
        description,
        persons_involved,
        amount_involved_yuan,
        deadline_on,
        responsible_unit,
        status,
        status in ('已整改', '已销号') as is_closed,
        completed_on,
        completed_on - found_on as days_to_close,
        follow_up_on,
        follow_up_result
    from source
)

select * from renamed
