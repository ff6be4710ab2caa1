{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Periodic snapshot of the headline indicators' numerators and denominators:
-- one row per region (city, county, township), grain (month, quarter, year)
-- and period. Snapshot columns hold the value of the period's last month with
-- data; flow columns the sum over its months. Every column is therefore
-- additive across the regions of one level and one grain, which is what the
-- Cube model needs (it has no semi-additive aggregation).
with monthly as (
    select * from {{ ref('int_indicator_month') }}
),

final as (
    {{ period_rollup('monthly', [], [
            'low_income_persons', 'registered_population', 'alleviated_households', 'alleviated_households_assisted',
            'alleviated_persons', 'alleviated_persons_assisted', 'relapse_watch_persons', 'relapse_watch_persons_assisted',
            'temp_relief_amount_yuan', 'temp_relief_person_times', 'approved_applications', 'approved_applications_proactive'],
        snapshot=['low_income_persons', 'registered_population', 'alleviated_households', 'alleviated_households_assisted',
            'alleviated_persons', 'alleviated_persons_assisted', 'relapse_watch_persons', 'relapse_watch_persons_assisted']) }}
)

select * from final
