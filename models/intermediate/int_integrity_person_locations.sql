{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_rows('month_start', 'id_number') }}",
    indexes=[{'columns': ['id_number', 'month_start']}, {'columns': ['month_start']}]) }}
-- Where, and under which name, each person is registered in each month: the
-- dibao/tekun roster first (its listing that counts, int_basic_living_listing,
-- so a finding lands where the person is counted), then the low-income
-- roster where the person has no such listing that month. Payments and death
-- records carry no region, so the integrity checks place their findings here
-- (the month's own roster, else the closest month).
-- A person's rows of a month depend on that person's rosters of that month
-- only, so it rebuilds the changed months, and within them the changed persons
-- when the load names them (incremental); the checks look up the few persons
-- they flag by the index on id_number instead of reading every listing. That
-- index keeps month_start too: the checks' relocate_findings probes (person,
-- month) for every finding of an unchanged month; on id_number alone (a
-- quarter of the size, so a rebuilt month's rows touch a quarter of the
-- pages) each probe read all of the person's months (232 k buffers against 68 k
-- for 17 k findings).
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
-- in place, rows in the order of the index on id_number: a month's rows then
-- walk that index once instead of landing on random pages of it (at province
-- scale larger than the shared buffers)
order by id_number, month_start
{%- endif %}
