{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}",
    indexes=[{'columns': ['month_start']}]) }}
-- Low-income persons and households by month, region (city, county, township)
-- and population category; fct_low_income_period takes each period's last
-- month with data. A person listed twice in a month counts once, in the
-- category fct_low_income_person_month keeps.
-- Built one month at a time (a lateral join over the months): a month's
-- households hash in memory, where all months at once spilled to disk.
with months as (
    select month_start from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

monthly as (
    select month_facts.*
    from months
    cross join lateral (
        -- households are counted per village and add up the region tree, except
        -- the few listed in more than one village in a month: split_excess takes
        -- their extra counts off in each region row
        with village_households as (
            select stat_month as month_start, region_code, category, household_id, count(*) as persons
            from {{ ref('fct_low_income_person_month') }}
            where stat_month = months.month_start
            group by 1, 2, 3, 4
        ),

        village_monthly as (
            select month_start, region_code, category, sum(persons) as persons, count(*) as households
            from village_households
            group by 1, 2, 3
        ),

        split_excess as (
            select
                village_households.month_start,
                ancestors.ancestor_code as region_code,
                village_households.category,
                count(*) - count(distinct village_households.household_id) as excess_households
            from village_households
            inner join {{ ref('int_rollup_ancestors') }} as ancestors on ancestors.region_code = village_households.region_code
            where (village_households.month_start, village_households.household_id) in (
                select month_start, household_id from village_households
                group by 1, 2 having min(region_code) <> max(region_code))
            group by 1, 2, 3
        )

        select
            summed.month_start,
            summed.region_code,
            summed.category,
            {{ low_income_category_code('summed.category') | indent(8) }} as category_code,
            summed.persons,
            summed.households - coalesce(split_excess.excess_households, 0) as households
        from ({{ to_ancestors('village_monthly', ['category'], ['persons', 'households']) | indent(8) }}) as summed
        left join split_excess using (month_start, region_code, category)
    ) as month_facts
)

select * from monthly
