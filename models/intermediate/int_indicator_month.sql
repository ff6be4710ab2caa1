{{ config(materialized='incremental', post_hook='{{ analyze_sampled() }}', incremental_strategy='append', pre_hook="{{ delete_changed_months('month_start') }}") }}
-- The headline indicators' numerators and denominators by month: one row per
-- month the warehouse holds and region (city, county, township), zero where
-- a region has no facts (fct_indicator_period rolls it up into periods).
with months as (
    select * from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

-- the rows of the mart: every city, county and township, paired with itself
regions as (
    select * from ancestors
    where distance = 0
),

-- persons and households counted by village first, then summed up the
-- region tree: a few thousand village rows joined to the tree, not every person
low_income_villages as (
    select stat_month as month_start, region_code, count(*) as low_income_persons
    from {{ ref('fct_low_income_person_month') }}
    where {{ in_changed_months('stat_month') }}
    group by 1, 2
),

low_income as (
    {{ to_ancestors('low_income_villages', [], ['low_income_persons'], cast='bigint') }}
),

alleviated_person_villages as (
    select
        month_start,
        region_code,
        count(*) filter (where person_type = 'alleviated') as alleviated_persons,
        count(*) filter (where person_type = 'alleviated' and is_assisted) as alleviated_persons_assisted,
        count(*) filter (where person_type = 'relapse_watch') as relapse_watch_persons,
        count(*) filter (where person_type = 'relapse_watch' and is_assisted) as relapse_watch_persons_assisted
    from {{ ref('fct_alleviated_person_month') }}
    where {{ in_changed_months('month_start') }}
    group by 1, 2
),

alleviated_persons as (
    {{ to_ancestors('alleviated_person_villages', [],
        ['alleviated_persons', 'alleviated_persons_assisted', 'relapse_watch_persons', 'relapse_watch_persons_assisted'], cast='bigint') }}
),

alleviated_household_villages as (
    select
        month_start,
        region_code,
        count(*) as alleviated_households,
        count(*) filter (where is_assisted) as alleviated_households_assisted
    from {{ ref('fct_alleviated_household_month') }}
    where {{ in_changed_months('month_start') }}
    group by 1, 2
),

alleviated_households as (
    {{ to_ancestors('alleviated_household_villages', [], ['alleviated_households', 'alleviated_households_assisted'], cast='bigint') }}
),

temp_relief as (
    select
        facts.relief_month as month_start,
        ancestors.ancestor_code as region_code,
        sum(facts.amount_yuan) as temp_relief_amount_yuan,
        sum(facts.person_times) as temp_relief_person_times
    from {{ ref('fct_temp_relief') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
    where {{ in_changed_months('facts.relief_month') }}
    group by 1, 2
),

approvals as (
    select
        facts.decided_month as month_start,
        ancestors.ancestor_code as region_code,
        count(*) as approved_applications,
        count(*) filter (where facts.is_proactive) as approved_applications_proactive
    from {{ ref('fct_application') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
    where facts.is_approved and {{ in_changed_months('facts.decided_month') }}
    group by 1, 2
),

final as (
    select
        months.month_start || ':' || regions.region_code as month_region_key,
        months.month_start,
        regions.region_code,
        coalesce(low_income.low_income_persons, 0) as low_income_persons,
        regions.ancestor_registered_population as registered_population,
        coalesce(alleviated_households.alleviated_households, 0) as alleviated_households,
        coalesce(alleviated_households.alleviated_households_assisted, 0) as alleviated_households_assisted,
        coalesce(alleviated_persons.alleviated_persons, 0) as alleviated_persons,
        coalesce(alleviated_persons.alleviated_persons_assisted, 0) as alleviated_persons_assisted,
        coalesce(alleviated_persons.relapse_watch_persons, 0) as relapse_watch_persons,
        coalesce(alleviated_persons.relapse_watch_persons_assisted, 0) as relapse_watch_persons_assisted,
        coalesce(temp_relief.temp_relief_amount_yuan, 0) as temp_relief_amount_yuan,
        coalesce(temp_relief.temp_relief_person_times, 0) as temp_relief_person_times,
        coalesce(approvals.approved_applications, 0) as approved_applications,
        coalesce(approvals.approved_applications_proactive, 0) as approved_applications_proactive
    from months
    cross join regions
    left join low_income using (month_start, region_code)
    left join alleviated_persons using (month_start, region_code)
    left join alleviated_households using (month_start, region_code)
    left join temp_relief using (month_start, region_code)
    left join approvals using (month_start, region_code)
)

select * from final
