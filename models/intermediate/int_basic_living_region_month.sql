{{ config(materialized='incremental', post_hook='analyze {{ this }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}", indexes=[{'columns': ['month_start']}]) }}
-- Dibao and tekun recipients by month: one row per month, region (city,
-- county, township) and breakdown (roster category, care mode, care level);
-- fct_basic_living_period takes each period's last month with data. Persons: each person once, by the listing that counts
-- (fct_basic_living_person_month). Households follow domain.md's rule "one
-- household, counted once": a household is one household in every count, under
-- one category — its head's (与户主关系 = 本人), or without the head on the
-- roster the category most of its listed members have (urban on a tie) — so
-- `households` counts it once, in the breakdown of that category, and
-- `dibao_households` counts each household with a dibao member once, under the
-- urban or rural side of that category. A household whose members live in two
-- villages counts once in each region holding any of them, and once in a region
-- holding both.
with ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

persons as (
    select * from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),
village_persons as (
    select
        stat_month as month_start,
        region_code,
        category,
        care_mode,
        care_level,
        count(*) as persons
    from persons
    group by 1, 2, 3, 4, 5
),

category_votes as (
    select
        stat_month,
        household_id,
        category,
        count(*) as members,
        count(*) filter (where relation_to_head = '本人') as heads,
        bool_or(bool_or(programme = 'dibao')) over (partition by stat_month, household_id) as has_dibao
    from persons
    group by stat_month, household_id, category
),

-- the household's category: the head's, else the most members' (urban on a
-- tie; between two urban or two rural categories, tekun first, as for a
-- person's listings). Two heads of different categories: the one more members
-- share, by the same order.
household_category as (
    select distinct on (stat_month, household_id)
        stat_month,
        household_id,
        category,
        has_dibao
    from category_votes
    order by stat_month, household_id,
        heads > 0 desc,
        members desc,
        {{ urban_rural_of('category') }} = 'urban' desc,
        {{ programme_of('category') }} = 'tekun' desc
),

-- the breakdown row the household counts in: its category, with the care mode
-- and level of its head (or, without the head, of its first member) in it
household_attributes as (
    select distinct on (persons.stat_month, persons.household_id)
        persons.stat_month,
        persons.household_id,
        household_category.category,
        persons.care_mode,
        persons.care_level,
        case
            when not household_category.has_dibao then null
            when {{ urban_rural_of('household_category.category') }} = 'urban' then '城市低保'
            else '农村低保'
        end as dibao_category
    from persons
    inner join household_category
        on household_category.stat_month = persons.stat_month
        and household_category.household_id = persons.household_id
    order by persons.stat_month, persons.household_id,
        persons.category = household_category.category desc,
        persons.relation_to_head = '本人' desc,
        persons.id_number
),

household_villages as (
    select
        household_villages.stat_month as month_start,
        household_villages.region_code,
        household_villages.household_id,
        household_attributes.category,
        household_attributes.care_mode,
        household_attributes.care_level,
        household_attributes.dibao_category,
        count(*) over (partition by household_villages.stat_month, household_villages.household_id) > 1 as is_split
    from (select distinct stat_month, household_id, region_code from persons) as household_villages
    inner join household_attributes
        on household_attributes.stat_month = household_villages.stat_month
        and household_attributes.household_id = household_villages.household_id
),

-- facts by village: persons, and the households living in one village only,
-- which add up the region tree as they are
village_facts as (
    select month_start, region_code, category, care_mode, care_level, persons, 0 as households, 0 as dibao_households
    from village_persons
    union all
    select month_start, region_code, category, care_mode, care_level, 0, count(*), 0
    from household_villages
    where not is_split
    group by 1, 2, 3, 4, 5
    union all
    select month_start, region_code, dibao_category, null, null, 0, 0, count(*)
    from household_villages
    where not is_split and dibao_category is not null
    group by 1, 2, 3
),

-- the few households listed in two villages: each counted once per region
split_households as (
    select distinct
        household_villages.month_start,
        ancestors.ancestor_code as region_code,
        household_villages.household_id,
        household_villages.category,
        household_villages.care_mode,
        household_villages.care_level,
        household_villages.dibao_category
    from household_villages
    inner join ancestors on ancestors.region_code = household_villages.region_code
    where household_villages.is_split
),

region_facts as (
    select
        village_facts.month_start,
        ancestors.ancestor_code as region_code,
        village_facts.category,
        village_facts.care_mode,
        village_facts.care_level,
        village_facts.persons,
        village_facts.households,
        village_facts.dibao_households
    from village_facts
    inner join ancestors on ancestors.region_code = village_facts.region_code
    union all
    select month_start, region_code, category, care_mode, care_level, 0, 1, 0
    from split_households
    union all
    select month_start, region_code, dibao_category, null, null, 0, 0, 1
    from split_households
    where dibao_category is not null
),

monthly as (
    select
        month_start,
        region_code,
        category,
        care_mode,
        care_level,
        sum(persons) as persons,
        sum(households) as households,
        sum(dibao_households) as dibao_households
    from region_facts
    group by 1, 2, 3, 4, 5
)

select * from monthly
