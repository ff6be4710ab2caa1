{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Dibao and tekun recipients as a periodic snapshot: one row per region (city,
-- county, township), grain (month, quarter, year), period and breakdown
-- (roster category, care mode, care level), at the period's last month with
-- data; persons each once and households each once, as
-- int_basic_living_region_month counts them. Analyzed only when built in full
-- (analyze_sampled): in place no model reads it, and its text-heavy rows made
-- a full analyze 10x the build.
with monthly as (
    select *, {{ basic_living_programme('category') }}
    from {{ ref('int_basic_living_region_month') }}
),

final as (
    {{ period_rollup('monthly',
        ['programme', 'programme_name', 'urban_rural', 'urban_rural_name', 'category', 'care_mode', 'care_level'],
        ['persons', 'households', 'dibao_households'], snapshot=['persons', 'households', 'dibao_households'],
        key=['category', "coalesce(care_mode, '-')", "coalesce(care_level, '-')"]) }}
)

select * from final
