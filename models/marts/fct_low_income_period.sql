{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Low-income persons (低收入人口监测名单) as a periodic snapshot: one row per
-- region (city, county, township), grain (month, quarter, year), period and
-- population category, holding the persons and the distinct households listed
-- in the period's last month with data. A person listed twice in a month counts
-- once, in the category fct_low_income_person_month keeps.
with monthly as (
    select * from {{ ref('int_low_income_region_month') }}
),

final as (
    {{ period_rollup('monthly', ['category', 'category_code'], ['persons', 'households'],
        snapshot=['persons', 'households'], key=['category']) }}
)

select * from final
