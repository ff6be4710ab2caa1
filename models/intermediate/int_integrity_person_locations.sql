{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_rows('month_start', 'id_number') }}",
    indexes=[{'columns': ['month_start', 'id_number']}, {'columns': ['id_number']}]) }}
-- Where, and under which name, each person is registered in each month: the
-- dibao/tekun roster first (its listing that counts, int_basic_living_listing,
-- so a finding lands where the person is counted), then the low-income
-- roster where the person has no such listing that month. Payments and death
-- records carry no region, so the integrity checks place their findings here
-- (the month's own roster, else the closest month).
-- A person's rows of a month depend on that person's rosters of that month
-- only, so it rebuilds the changed months, and within them the changed persons
-- when the load names them (incremental). Two indexes: (month_start,
-- id_number) serves the changed months' delete and the checks' probes of a
-- person's own month (relocate_findings' `not exists`, one per finding of an
-- unchanged month); a new month's rows append at its right edge. (id_number)
-- serves the few lookups of all of a person's months (nearest_listing); B-tree
-- deduplication keeps it a quarter of the size of an (id_number, month_start)
-- index (156 against 688 MB at province scale), so a month's rows, written in
-- its order, touch a quarter of the pages. Against the former (id_number,
-- month_start) and (month_start) indexes, a province month's insert took 2.9 s
-- instead of 3.8 s, and late payment's 213 k own-month probes 1.4 s instead of 2.1 s.
with basic_living as (
    select
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        1 as source_rank
    from {{ ref('int_basic_living_listing') }}
    where is_counted and {{ in_changed_rows('stat_month', 'id_number') }}
),

low_income as (
    -- only where the person has no listing that counts that month: a month's
    -- rank-1 row always wins over its rank-2 row (nearest_listing_order), and
    -- most dibao/tekun persons are on the low-income list too (39 k of its
    -- 62 k a month in the city), so those rows would only be written and indexed
    select
        low_income.stat_month as month_start,
        low_income.id_number,
        low_income.person_name,
        low_income.region_code,
        2 as source_rank
    from {{ ref('stg_raw__low_income_roster') }} as low_income
    where {{ in_changed_rows('low_income.stat_month', 'low_income.id_number') }}
        and not exists (
            select 1
            from basic_living
            where basic_living.month_start = low_income.stat_month
                and basic_living.id_number = low_income.id_number
        )
),

final as (
    select * from basic_living
    union all
    select * from low_income
)

select * from final
{% if is_incremental() -%}
-- in place, rows in the order of the indexes: a month's rows then walk the
-- id_number index once, and append to the (month_start, id_number) index in
-- order, instead of landing on random pages (at province scale the indexes
-- outgrow the shared buffers)
order by id_number, month_start
{%- endif %}
