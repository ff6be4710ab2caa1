-- Assistance applications with their decision and discovery channel.
with applications as (
    select * from {{ ref('stg_raw__applications') }}
),

final as (
    select
        application_id,
        id_number,
        household_id,
        region_code,
        application_type,
        discovery_channel,
        is_proactive,
        accepted_on,
        decided_on,
        decided_month,
        decision,
        is_approved
    from applications
)

select * from final
