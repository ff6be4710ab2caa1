{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('snapshot_month') }}") }}
-- The dates of the alleviated / relapse-watch lists (kind 9): one row per
-- snapshot date. The list is partitioned by snapshot date but not indexed, so
-- its dates cannot be read without reading every row; fct_alleviated_person_month
-- finds the snapshot in force for a month here. A load that replaced a snapshot
-- changed its month (and, carried forward, the later ones): an in-place build
-- reads the partitions of the changed months only, one month at a time (each
-- month's range prunes the partitions when the query runs).
{%- set months = var('changed_months', none) if is_incremental() else none %}
with listed as not materialized (
    select snapshot_on from {{ ref('stg_raw__alleviated_persons') }}
),

{% if months is not none -%}
dates as (
    select in_month.snapshot_on
    from unnest({{ months_array(months) }}) as changed (month_start)
    cross join lateral (
        -- distinct keeps the subquery apart: run per month, it reads that month's partitions
        select distinct listed.snapshot_on
        from listed
        where listed.snapshot_on >= changed.month_start
            and listed.snapshot_on < (changed.month_start + interval '1 month')::date
    ) as in_month
),
{%- else -%}
dates as (
    select distinct snapshot_on from listed
),
{%- endif %}

final as (
    select
        snapshot_on,
        date_trunc('month', snapshot_on)::date as snapshot_month
    from dates
)

select * from final
