{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}",
    indexes=[{'columns': ['month_start']}]) }}
-- Alleviated households (户) per month: assisted when at least one member on
-- the alleviated list is on the dibao/tekun roster of the month.
with persons as (
    select * from {{ ref('fct_alleviated_person_month') }}
    where person_type = 'alleviated' and {{ in_changed_months('month_start') }}
),

households as (
    select
        month_start,
        household_id,
        min(region_code) as region_code,
        count(*) as member_count,
        bool_or(is_assisted) as is_assisted
    from persons
    group by month_start, household_id
),

final as (
    select
        month_start || ':' || household_id as household_month_key,
        *
    from households
)

select * from final
