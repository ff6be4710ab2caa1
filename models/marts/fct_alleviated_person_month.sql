{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}",
    indexes=[{'columns': ['month_start']}]) }}
-- For each month, the persons of the alleviated / relapse-watch snapshot in
-- force (the latest dated on or before the month's last day), and whether each
-- is on the dibao/tekun roster of that month.
with months as (
    select * from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

listed as not materialized (
    -- partitioned by snapshot date: read below for one snapshot at a time, so
    -- PostgreSQL scans only the partitions of the snapshots in force
    select * from {{ ref('stg_raw__alleviated_persons') }}
),

snapshots as (
    select distinct snapshot_on from listed
),

snapshot_in_force as (
    select
        months.month_start,
        max(snapshots.snapshot_on) as snapshot_on
    from months
    inner join snapshots on snapshots.snapshot_on <= months.month_end
    group by months.month_start
),

persons as (
    select in_force.*
    from (select distinct snapshot_on from snapshot_in_force) as needed
    cross join lateral (
        select distinct on (snapshot_on, id_number, person_type)
            snapshot_on,
            id_number,
            person_type,
            household_id,
            region_code
        from listed
        where listed.snapshot_on = needed.snapshot_on
        order by snapshot_on, id_number, person_type, region_code
    ) as in_force
),

roster as (
    select stat_month, id_number from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

final as (
    select
        snapshot_in_force.month_start || ':' || persons.id_number || ':' || persons.person_type as person_month_key,
        snapshot_in_force.month_start,
        snapshot_in_force.snapshot_on,
        persons.id_number,
        persons.person_type,
        persons.household_id,
        persons.region_code,
        roster.id_number is not null as is_assisted
    from snapshot_in_force
    inner join persons on persons.snapshot_on = snapshot_in_force.snapshot_on
    left join roster
        on roster.stat_month = snapshot_in_force.month_start
        and roster.id_number = persons.id_number
)

select * from final
