{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}", indexes=[{'columns': ['month_start']}]) }}
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
-- Built one month at a time (a lateral join over the months): a month's
-- households hash in memory, where 24 months at once spilled to disk.
with months as (
    select month_start from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

monthly as (
    select month_facts.*
    from months
    cross join lateral (
        with ancestors as (
            select * from {{ ref('int_rollup_ancestors') }}
        ),

        persons as (
            select
                stat_month,
                household_id,
                id_number,
                relation_to_head,
                region_code,
                programme,
                category,
                care_mode,
                care_level
            from {{ ref('fct_basic_living_person_month') }}
            where stat_month = months.month_start
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

        -- one row per household: its villages, whether a member is on dibao, and its
        -- head's attributes where it has one head on the roster (almost always)
        households as (
            select
                stat_month,
                household_id,
                count(*) filter (where relation_to_head = '本人') as heads,
                count(*) filter (where relation_to_head is null) as unrelated,
                bool_or(programme = 'dibao') as has_dibao,
                min(region_code) as first_village,
                min(region_code) <> max(region_code) as is_split,
                max(category) filter (where relation_to_head = '本人') as head_category,
                max(care_mode) filter (where relation_to_head = '本人') as head_care_mode,
                max(care_level) filter (where relation_to_head = '本人') as head_care_level
            from persons
            group by 1, 2
        ),

        -- the other households' categories: their members and heads, and the member
        -- who stands for the category (its head, else the lowest ID number; a member
        -- without a relation first, as a descending sort puts nulls first)
        category_votes as (
            select
                stat_month,
                household_id,
                category,
                count(*) as members,
                count(*) filter (where relation_to_head = '本人') as heads,
                min(case when relation_to_head is null then '0' when relation_to_head = '本人' then '1' else '2' end
                    || id_number collate "C") as first_member
            from persons
            where (stat_month, household_id) in (
                select stat_month, household_id from households
                where heads <> 1 or unrelated > 0)
            group by 1, 2, 3
        ),

        -- the household's category: the head's, else the most members' (urban on a
        -- tie; between two urban or two rural categories, tekun first, as for a
        -- person's listings). Two heads of different categories: the one more members
        -- share, by the same order. The greatest vote key (fixed width, in that
        -- order) ends with the member standing for the chosen category, whose care
        -- mode and level the household takes (its head's, or without the head on the
        -- roster its first member's).
        voted_representatives as (
            select
                stat_month,
                household_id,
                substr(max(
                    (heads > 0)::int::text
                    || lpad(members::text, 10, '0')
                    || ({{ urban_rural_of('category') }} = 'urban')::int::text
                    || ({{ programme_of('category') }} = 'tekun')::int::text
                    || first_member collate "C"
                ), 15) as id_number
            from category_votes
            group by 1, 2
        ),

        voted_heads as (
            select stat_month, household_id, category, care_mode, care_level
            from persons
            where (stat_month, id_number) in (select stat_month, id_number from voted_representatives)
        ),

        -- the breakdown row the household counts in: its category, care mode and level
        household_breakdowns as (
            select
                households.stat_month as month_start,
                households.first_village as region_code,
                households.household_id,
                households.is_split,
                households.has_dibao,
                case when voted_heads.household_id is null then households.head_category else voted_heads.category end as category,
                case when voted_heads.household_id is null then households.head_care_mode else voted_heads.care_mode end as care_mode,
                case when voted_heads.household_id is null then households.head_care_level else voted_heads.care_level end as care_level
            from households
            left join voted_heads
                on voted_heads.stat_month = households.stat_month
                and voted_heads.household_id = households.household_id
        ),

        household_attributes as (
            select
                month_start,
                region_code,
                household_id,
                is_split,
                category,
                care_mode,
                care_level,
                case
                    when not has_dibao then null
                    when {{ urban_rural_of('category') }} = 'urban' then '城市低保'
                    else '农村低保'
                end as dibao_category
            from household_breakdowns
        ),

        -- facts by village: persons, and the households living in one village only,
        -- which add up the region tree as they are
        village_facts as (
            select month_start, region_code, category, care_mode, care_level, persons, 0 as households, 0 as dibao_households
            from village_persons
            union all
            select month_start, region_code, category, care_mode, care_level, 0, count(*), 0
            from household_attributes
            where not is_split
            group by 1, 2, 3, 4, 5
            union all
            select month_start, region_code, dibao_category, null, null, 0, 0, count(*)
            from household_attributes
            where not is_split and dibao_category is not null
            group by 1, 2, 3
        ),

        -- the few households listed in two villages: each counted once per region
        -- holding any of its villages
        split_households as (
            select distinct
                household_attributes.month_start,
                ancestors.ancestor_code as region_code,
                household_attributes.household_id,
                household_attributes.category,
                household_attributes.care_mode,
                household_attributes.care_level,
                household_attributes.dibao_category
            from household_attributes
            inner join persons
                on persons.stat_month = household_attributes.month_start
                and persons.household_id = household_attributes.household_id
            inner join ancestors on ancestors.region_code = persons.region_code
            where household_attributes.is_split
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
        )

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
    ) as month_facts
)

select * from monthly
