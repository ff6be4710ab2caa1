-- Follow-up reviews (回头看) of rectification items, one row per review step
-- (app.rectification_steps with a result): an item that fails and later passes
-- has two rows, and a later import adds its review without removing one.
with source as (
    select * from {{ source('app', 'rectification_steps') }}
),

renamed as (
    select
        step_id as review_id,
        item_id,
        step_on as reviewed_on,
        review_result,
        review_result = '通过' as is_passed
    from source
    where review_result is not null
)

select * from renamed
