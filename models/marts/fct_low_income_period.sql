{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Low-income persons (低收入人口监测名单) as a periodic snapshot: one row per
-- region (city, county, township), grain (month, quarter, year), period and
-- population category, holding the persons and the distinct households listed
-- in the period's last month with data. A person listed twice in a month counts
-- once, in the category fct_low_income_person_month keeps.
with periods as (
    select * from {{ ref('int_period_months') }}
    where is_snapshot_month
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

persons as (
    select * from {{ ref('fct_low_income_person_month') }}
),

-- one row per village, month, category and household: households are counted
-- per village here and add up the region tree, except for the few households
-- listed in more than one village in a month, which would be counted once per
-- village; split_excess takes those extra counts off in each region row
village_households as (
    select
        stat_month as month_start,
        region_code,
        category,
        household_id,
        count(*) as persons
    from persons
    group by stat_month, region_code, category, household_id
),

village_monthly as (
    select
        month_start,
        region_code,
        category,
        sum(persons) as persons,
        count(*) as households
    from village_households
    group by 1, 2, 3
),

split_households as (
    select month_start, household_id
    from village_households
    group by month_start, household_id
    having min(region_code) <> max(region_code)
),

split_excess as (
    select
        village_households.month_start,
        ancestors.ancestor_code as region_code,
        village_households.category,
        count(*) - count(distinct village_households.household_id) as excess_households
    from village_households
    inner join split_households
        on split_households.month_start = village_households.month_start
        and split_households.household_id = village_households.household_id
    inner join ancestors on ancestors.region_code = village_households.region_code
    group by 1, 2, 3
),

summed as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.category,
        sum(village_monthly.persons) as persons,
        sum(village_monthly.households) as households
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3
),

monthly as (
    select
        summed.month_start,
        summed.region_code,
        summed.category,
        summed.persons,
        summed.households - coalesce(split_excess.excess_households, 0) as households
    from summed
    left join split_excess
        on split_excess.month_start = summed.month_start
        and split_excess.region_code = summed.region_code
        and split_excess.category = summed.category
),

final as (
    select
        concat_ws(':', periods.period_grain, periods.period_start, monthly.region_code, monthly.category) as period_region_key,
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        monthly.category,
        case monthly.category
            when '特困人员' then 'tekun'
            when '低保对象' then 'dibao'
            when '低保边缘人口' then 'dibao_margin'
            when '刚性支出困难人口' then 'rigid_expense'
            else 'other'
        end as category_code,
        monthly.persons,
        monthly.households
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = monthly.region_code
        and regions.distance = 0
)

select * from final
