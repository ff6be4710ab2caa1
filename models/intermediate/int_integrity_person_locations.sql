{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}",
    indexes=[{'columns': ['id_number', 'month_start']}, {'columns': ['month_start']}]) }}
-- Where, and under which name, each person is registered in each month: the
-- dibao/tekun roster first (its listing that counts, int_basic_living_listing,
-- so a finding lands where the person is counted), then the low-income
-- roster. Payments and death records carry no region, so the integrity checks
-- place their findings here (the month's own roster, else the closest month).
-- A month's rows depend on that month's rosters only, so it rebuilds the
-- changed months (incremental); the checks look up the few persons they flag
-- by the index on id_number instead of reading every listing.
with basic_living as (
    select
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        1 as source_rank
    from {{ ref('int_basic_living_listing') }}
    where is_counted and {{ in_changed_months('stat_month') }}
),

low_income as (
    select
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        2 as source_rank
    from {{ ref('stg_raw__low_income_roster') }}
    where {{ in_changed_months('stat_month') }}
),

final as (
    select * from basic_living
    union all
    select * from low_income
)

select * from final
