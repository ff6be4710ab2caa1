{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Periodic snapshot of the headline indicators' numerators and denominators:
-- one row per region (city, county, township), grain (month, quarter, year)
-- and period. Snapshot columns hold the value of the period's last month with
-- data; flow columns the sum over its months. Every column is therefore
-- additive across the regions of one level and one grain, which is what the
-- Cube model needs (it has no semi-additive aggregation).
with months as (
    select * from {{ ref('dim_month') }}
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

low_income as (
    select
        facts.stat_month as month_start,
        ancestors.ancestor_code as region_code,
        count(*) as low_income_persons
    from {{ ref('fct_low_income_person_month') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
    group by 1, 2
),

alleviated_persons as (
    select
        facts.month_start,
        ancestors.ancestor_code as region_code,
        count(*) filter (where facts.person_type = 'alleviated') as alleviated_persons,
        count(*) filter (where facts.person_type = 'alleviated' and facts.is_assisted) as alleviated_persons_assisted,
        count(*) filter (where facts.person_type = 'relapse_watch') as relapse_watch_persons,
        count(*) filter (where facts.person_type = 'relapse_watch' and facts.is_assisted) as relapse_watch_persons_assisted
    from {{ ref('fct_alleviated_person_month') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
    group by 1, 2
),

alleviated_households as (
    select
        facts.month_start,
        ancestors.ancestor_code as region_code,
        count(*) as alleviated_households,
        count(*) filter (where facts.is_assisted) as alleviated_households_assisted
    from {{ ref('fct_alleviated_household_month') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
    group by 1, 2
),

temp_relief as (
    select
        facts.relief_month as month_start,
        ancestors.ancestor_code as region_code,
        sum(facts.amount_yuan) as temp_relief_amount_yuan,
        sum(facts.person_times) as temp_relief_person_times
    from {{ ref('fct_temp_relief') }} as facts
    inner join ancestors on ancestors.region_code = facts.region_code
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
    where facts.is_approved
    group by 1, 2
),

monthly as (
    select
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
),

periods as (
    select 'month' as period_grain, month_start as period_start, month_start from months
    union all
    select 'quarter', quarter_start, month_start from months
    union all
    select 'year', year_start, month_start from months
),

period_bounds as (
    select
        period_grain,
        period_start,
        max(month_start) as snapshot_month,
        count(*) as months_covered
    from periods
    group by 1, 2
),

flows as (
    select
        periods.period_grain,
        periods.period_start,
        monthly.region_code,
        sum(monthly.temp_relief_amount_yuan) as temp_relief_amount_yuan,
        sum(monthly.temp_relief_person_times) as temp_relief_person_times,
        sum(monthly.approved_applications) as approved_applications,
        sum(monthly.approved_applications_proactive) as approved_applications_proactive
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3
),

final as (
    select
        period_bounds.period_grain || ':' || period_bounds.period_start || ':' || snapshot.region_code as period_region_key,
        period_bounds.period_grain,
        period_bounds.period_start,
        period_bounds.snapshot_month,
        period_bounds.months_covered,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        snapshot.low_income_persons,
        snapshot.registered_population,
        snapshot.alleviated_households,
        snapshot.alleviated_households_assisted,
        snapshot.alleviated_persons,
        snapshot.alleviated_persons_assisted,
        snapshot.relapse_watch_persons,
        snapshot.relapse_watch_persons_assisted,
        flows.temp_relief_amount_yuan,
        flows.temp_relief_person_times,
        flows.approved_applications,
        flows.approved_applications_proactive
    from period_bounds
    inner join monthly as snapshot on snapshot.month_start = period_bounds.snapshot_month
    inner join flows
        on flows.period_grain = period_bounds.period_grain
        and flows.period_start = period_bounds.period_start
        and flows.region_code = snapshot.region_code
    inner join regions on regions.region_code = snapshot.region_code
)

select * from final
