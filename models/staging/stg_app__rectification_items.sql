-- The application's rectification items (app.rectification_items): created in
-- the application, accepted from integrity findings, or merged from kind-12
-- imports (rectification/import.ts). A view over the live table, so the Cube
-- view `rectification` counts an item the moment it is written. Closed means
-- reported fixed: 已整改, under follow-up review (回头看) or 已销号.
with source as (
    select * from {{ source('app', 'rectification_items') }}
),

renamed as (
    select
        item_id,
        number as item_number,
        found_on,
        source as item_source,
        region_code,
        category,
        person_count as persons_involved,
        amount_yuan as amount_involved_yuan,
        deadline_on,
        deadline_in_working_days,
        responsible_unit,
        state as status,
        state in ('已整改', '回头看', '已销号') as is_closed,
        completed_on,
        completed_on - found_on as days_to_close,
        completed_on <= deadline_on as is_closed_in_time,
        origin
    from source
)

select * from renamed
