with source as (
    select * from {{ source('raw', 'warnings') }}
),

renamed as (
    select
        warning_id,
        warned_on,
        date_trunc('month', warned_on)::date as warned_month,
        id_number,
        person_name,
        region_code,
        source_department,
        reason,
        level as warning_level,
        handling_status,
        handling_status = '已处置' as is_handled,
        outcome,
        handled_on,
        handled_on - warned_on as days_to_handle
    from source
)

select * from renamed
