{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods_indexed() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Temporary relief (临时救助) as flows: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (relief type,
-- hardship cause, approval route, residence type), summing the acts, amounts
-- and 人次 (persons relieved) of the acts dated in the period.
{%- set dimensions = ['relief_type', 'hardship_cause', 'approval_route', 'residence_type'] %}
{%- set measures = ['relief_acts', 'amount_yuan', 'person_times'] %}
with relief as (
    select * from {{ ref('fct_temp_relief') }}
    where {{ in_changed_years('relief_month') }}
),

village_monthly as (
    select
        relief_month as month_start,
        region_code,
        relief_type,
        hardship_cause,
        approval_route,
        residence_type,
        count(*) as relief_acts,
        sum(amount_yuan) as amount_yuan,
        sum(person_times) as person_times
    from relief
    group by 1, 2, 3, 4, 5, 6
),

monthly as (
    {{ to_ancestors('village_monthly', dimensions, measures) }}
),

final as (
    {{ period_rollup('monthly', dimensions, measures,
        key=['relief_type', 'hardship_cause', 'approval_route', "coalesce(residence_type, '-')"]) }}
)

select * from final
