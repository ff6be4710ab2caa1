{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append', pre_hook="{{ delete_changed_periods() }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Dibao standards as a periodic snapshot: one row per region (city, county,
-- township), grain (month, quarter, year) and period, with the urban and rural
-- standards in force on the period's last day (the last day of its last month
-- with data, int_standard_month). Standards are set per county: a county row
-- holds its own, a township row its county's. A city row follows domain.md's
-- "city-level standards": per standard type, the city's own row of the
-- standards export where there is one (sum = that standard, count = 1),
-- otherwise the sum and count over its counties, so that sum ÷ count is the
-- simple mean and stays right when rows are added up. Every row also holds the
-- lowest and highest county standard in force (min/max, right at any level).
-- The paired sums cover the counties that have both standards, for the
-- rural/urban ratio; a city with a standard of its own pairs its two figures.
{%- set measures = ['urban_standard_sum_yuan', 'urban_standard_regions', 'rural_standard_sum_yuan', 'rural_standard_regions',
    'paired_urban_standard_sum_yuan', 'paired_rural_standard_sum_yuan', 'urban_standard_min_yuan', 'urban_standard_max_yuan',
    'rural_standard_min_yuan', 'rural_standard_max_yuan', 'has_city_standard'] %}
with monthly as (
    select * from {{ ref('int_standard_region_month') }}
),

final as (
    {{ period_rollup('monthly', [], measures, snapshot=measures, period_columns=['in_force_on']) }}
)

select * from final
