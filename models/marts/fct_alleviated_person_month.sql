{{ config(materialized='incremental', post_hook='{{ analyze_alleviated_person_months() }}', incremental_strategy='append', pre_hook="{{ delete_alleviated_person_months() }}",
    indexes=[{'columns': ['month_start', 'id_number', 'person_type'], 'unique': true}]) }}
-- For each month, the persons of the alleviated / relapse-watch snapshot in
-- force (the latest dated on or before the month's last day), and whether each
-- is on the dibao/tekun roster of that month. Incremental: the changed
-- months, and within them the changed persons when the load names them,
-- unless the month's snapshot in force moved (macros/alleviated_persons.sql).
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
    -- the snapshot dates, kept apart: reading them here would read every partition
    select * from {{ ref('int_alleviated_snapshots') }}
),

snapshot_in_force as (
    select
        months.month_start,
        max(snapshots.snapshot_on) as snapshot_on
    from months
    inner join snapshots on snapshots.snapshot_on <= months.month_end
    group by months.month_start
),

rebuilt as (
    -- every person of a month whose snapshot moved, else the changed persons
    select
        snapshot_in_force.*,
        -- the key's month as text once per month, not once per person (date output is not free)
        snapshot_in_force.month_start || ':' as key_prefix,
        {{ alleviated_month_moved('snapshot_in_force.month_start', 'snapshot_in_force.snapshot_on') }} as is_whole
    from snapshot_in_force
),

persons as (
    select in_force.*
    from (select snapshot_on, bool_or(is_whole) as is_whole from rebuilt group by snapshot_on) as needed
    cross join lateral (
        select distinct on (snapshot_on, id_number, person_type)
            snapshot_on,
            id_number,
            person_type,
            household_id,
            region_code
        from listed
        where listed.snapshot_on = needed.snapshot_on
            and (needed.is_whole or {{ in_changed_persons('listed.id_number') }})
        order by snapshot_on, id_number, person_type, region_code
    ) as in_force
),

roster as (
    select stat_month, id_number from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

final as (
    select
        rebuilt.key_prefix || persons.id_number || ':' || persons.person_type as person_month_key,
        rebuilt.month_start,
        rebuilt.snapshot_on,
        persons.id_number,
        persons.person_type,
        persons.household_id,
        persons.region_code,
        roster.id_number is not null as is_assisted
    from rebuilt
    inner join persons
        on persons.snapshot_on = rebuilt.snapshot_on
        and (rebuilt.is_whole or {{ in_changed_persons('persons.id_number') }})
    left join roster
        on roster.stat_month = rebuilt.month_start
        and roster.id_number = persons.id_number
)

select * from final
