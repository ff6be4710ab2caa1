{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods_indexed() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Economic-status verifications (家庭经济状况核对) as flows: one row per region
-- (city, county, township), grain (month, quarter, year), period and breakdown
-- (verification type, result), counting the verifications dated in the period
-- and among them the mismatches (不符合 only, domain.md) and, apart, the
-- suspected mismatches (疑似不符待核实).
{%- set dimensions = ['verification_type', 'result'] %}
{%- set measures = ['verifications', 'mismatches', 'suspected_mismatches'] %}
with verifications as (
    select * from {{ ref('stg_raw__economic_verifications') }}
    where {{ in_changed_years('verified_month') }}
),

village_monthly as (
    select
        verified_month as month_start,
        region_code,
        verification_type,
        result,
        count(*) as verifications,
        count(*) filter (where is_mismatch) as mismatches,
        count(*) filter (where is_suspected_mismatch) as suspected_mismatches
    from verifications
    group by 1, 2, 3, 4
),

monthly as (
    {{ to_ancestors('village_monthly', dimensions, measures) }}
),

final as (
    {{ period_rollup('monthly', dimensions, measures) }}
)

select * from final
