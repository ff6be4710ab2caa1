{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_rows('stat_month', 'id_number') }}", indexes=[{'columns': ['stat_month', 'id_number', 'listing_rank'], 'unique': true}]) }}
-- Every dibao/tekun roster listing (kind 3), ranked within its person and month
-- by domain.md's pinned rule "one listing per person per month": tekun before
-- dibao; between two listings of one programme (urban or rural alike) the
-- earliest 纳入日期, then the lowest region code. Rank 1 is the listing that
-- counts: every person-level figure reads it here (basic living counts and
-- households through fct_basic_living_person_month, the region of benefits
-- paid, the placement of integrity findings), so the rule lives in one place.
-- Identical rows of one export are one listing. A person's listings of a
-- month depend on that person's roster rows of that month only, so a load that
-- names its changed persons rebuilds only theirs (in_changed_rows).
with roster as (
    select
        stat_month,
        household_id,
        id_number,
        person_name,
        relation_to_head,
        region_code,
        category,
        programme,
        urban_rural,
        care_mode,
        care_level,
        enrolled_on,
        monthly_benefit_yuan
    from {{ ref('stg_raw__basic_living_roster') }}
    where {{ in_changed_rows('stat_month', 'id_number') }}
),

ranked as (
    -- listing_order orders a person's month by every column (programme and
    -- urban_rural follow from the category), so identical rows are its peers:
    -- dense_rank numbers the distinct listings, and row_number - rank is 0 for
    -- the first row of each set of peers, the one kept. One sort serves both
    -- (a `select distinct` first cost a hash aggregate of every row as well)
    select
        roster.*,
        dense_rank() over listing_order as listing_rank,
        row_number() over listing_order - rank() over listing_order as copy_number
    from roster
    window
        -- the last keys only make the order total: two listings equal up to
        -- the region code differ in category, care or amount
        listing_order as (
            partition by stat_month, id_number
            order by programme desc, enrolled_on, region_code,
                category collate "C", care_mode collate "C", care_level collate "C",
                monthly_benefit_yuan, household_id collate "C", person_name collate "C", relation_to_head collate "C"
        )
),

final as (
    select
        stat_month || ':' || id_number || ':' || listing_rank as listing_key,
        stat_month,
        household_id,
        id_number,
        person_name,
        relation_to_head,
        region_code,
        category,
        programme,
        urban_rural,
        care_mode,
        care_level,
        enrolled_on,
        monthly_benefit_yuan,
        listing_rank,
        -- the input is in this partition's order already: no second sort
        max(listing_rank) over (partition by stat_month, id_number) as listings,
        listing_rank = 1 as is_counted
    from ranked
    where copy_number = 0
)

select * from final
