{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_rows('stat_month', 'id_number') }}", indexes=[{'columns': ['stat_month', 'id_number'], 'unique': true}]) }}
-- One row per person per month on the dibao/tekun roster: the listing that
-- counts (int_basic_living_listing: tekun first, then the earliest 纳入日期,
-- then the lowest region code). A person on two rosters counts once here; the
-- integrity mart fct_integrity_multiple_rosters reports the duplicate.
-- Incremental by month and, when the load names them, by changed person.
with listings as (
    select * from {{ ref('int_basic_living_listing') }}
    where is_counted and {{ in_changed_rows('stat_month', 'id_number') }}
),

final as (
    select
        stat_month || ':' || id_number as person_month_key,
        stat_month,
        id_number,
        household_id,
        relation_to_head,
        region_code,
        programme,
        category,
        urban_rural,
        care_mode,
        care_level,
        enrolled_on,
        monthly_benefit_yuan,
        listings
    from listings
)

select * from final
