{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}",
    indexes=[{'columns': ['month_start']}]) }}
-- Dibao and tekun person-months by month, the village of the listing that
-- counts and roster category: persons and the sum of their 月救助金额
-- (fct_basic_living_person_month), for fct_benefit_period. A month's rows read
-- that month's roster only: incremental, the changed months are rebuilt.
with roster as (
    select * from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

final as (
    select
        stat_month as month_start,
        region_code,
        category,
        count(*) as person_months,
        sum(monthly_benefit_yuan) as roster_benefit_yuan
    from roster
    group by stat_month, region_code, category
)

select * from final
