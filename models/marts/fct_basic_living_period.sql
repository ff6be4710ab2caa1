{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Dibao and tekun recipients as a periodic snapshot: one row per region (city,
-- county, township), grain (month, quarter, year), period and breakdown
-- (roster category, care mode, care level), holding the persons and the
-- distinct households on the roster in the period's last month with data.
-- Households are counted distinct within each region row and breakdown, so a
-- household whose members live in two villages counts once in their township.
with periods as (
    select * from {{ ref('int_period_months') }}
    where is_snapshot_month
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

persons as (
    select * from {{ ref('fct_basic_living_person_month') }}
),

-- one row per village, month, breakdown and household: households are counted
-- per village here and add up the region tree, except for the few households
-- listed in more than one village in a month, which would be counted once per
-- village; split_excess takes those extra counts off in each region row
village_households as (
    select
        stat_month as month_start,
        region_code,
        category,
        care_mode,
        care_level,
        household_id,
        count(*) as persons
    from persons
    group by stat_month, region_code, category, care_mode, care_level, household_id
),

village_monthly as (
    select
        month_start,
        region_code,
        category,
        care_mode,
        care_level,
        sum(persons) as persons,
        count(*) as households
    from village_households
    group by 1, 2, 3, 4, 5
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
        village_households.care_mode,
        village_households.care_level,
        count(*) - count(distinct village_households.household_id) as excess_households
    from village_households
    inner join split_households
        on split_households.month_start = village_households.month_start
        and split_households.household_id = village_households.household_id
    inner join ancestors on ancestors.region_code = village_households.region_code
    group by 1, 2, 3, 4, 5
),

summed as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.category,
        village_monthly.care_mode,
        village_monthly.care_level,
        sum(village_monthly.persons) as persons,
        sum(village_monthly.households) as households
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3, 4, 5
),

monthly as (
    select
        summed.month_start,
        summed.region_code,
        summed.category,
        summed.care_mode,
        summed.care_level,
        summed.persons,
        summed.households - coalesce(split_excess.excess_households, 0) as households
    from summed
    left join split_excess
        on split_excess.month_start = summed.month_start
        and split_excess.region_code = summed.region_code
        and split_excess.category = summed.category
        and split_excess.care_mode is not distinct from summed.care_mode
        and split_excess.care_level is not distinct from summed.care_level
),

final as (
    select
        concat_ws(':', periods.period_grain, periods.period_start, monthly.region_code,
            monthly.category, coalesce(monthly.care_mode, '-'), coalesce(monthly.care_level, '-')) as period_region_key,
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
        case when monthly.category in ('城市低保', '农村低保') then 'dibao' else 'tekun' end as programme,
        case when monthly.category in ('城市低保', '农村低保') then '低保' else '特困' end as programme_name,
        case when monthly.category in ('城市低保', '城市特困') then 'urban' else 'rural' end as urban_rural,
        case when monthly.category in ('城市低保', '城市特困') then '城市' else '农村' end as urban_rural_name,
        monthly.category,
        monthly.care_mode,
        monthly.care_level,
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
