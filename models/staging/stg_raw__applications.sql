with source as (
    select * from {{ source('raw', 'applications') }}
),

renamed as (
    select
        application_id,
        id_number,
        household_id,
        region_code,
        application_type,
        discovery_channel,
        discovery_channel in (
            {% for channel in var('proactive_channels') %}'{{ channel }}'{% if not loop.last %}, {% endif %}{% endfor %}
        ) as is_proactive,
        accepted_on,
        decided_on,
        date_trunc('month', decided_on)::date as decided_month,
        decision,
        decision = '批准' as is_approved
    from source
)

select * from renamed
