{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('stat_month') }}", indexes=[{'columns': ['stat_month', 'id_number'], 'unique': true}]) }}
-- One row per person per month on the low-income roster: a person listed twice
-- in a month (two regions or categories) counts once, in the first region code.
with roster as (
    select * from {{ ref('stg_raw__low_income_roster') }}
    where {{ in_changed_months('stat_month') }}
),

deduplicated as (
    select distinct on (stat_month, id_number)
        stat_month,
        id_number,
        household_id,
        region_code,
        category
    from roster
    order by stat_month, id_number, region_code, category
),

final as (
    select
        stat_month || ':' || id_number as person_month_key,
        *
    from deduplicated
)

select * from final
