{{ config(materialized='view') }}
-- Rectification items (整改问题) by period: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (problem
-- category, problem source).
-- A view over the application's tables (stg_app__rectification_*), computed
-- per query: an item created, reported fixed or reviewed in the application
-- counts the same minute, and "today" moves without a rebuild. The data are
-- small (hundreds to thousands of items), and no rollup covers this mart.
-- The months are those the warehouse holds data for (dim_month) and every
-- month from the first item found to the current one: the items' states are
-- known up to today. Snapshot columns are taken at the period's last day (the
-- last day of its last month, or today for the current month): items found on
-- or before it and not closed by then (closed = reported fixed: 已整改, 回头看
-- or 已销号 now, with a completion date on or before that day), and those
-- among them past their deadline. Flow columns add up the period: items closed
-- in it (in time: on or before their deadline) and their days from finding to
-- completion, and every follow-up review (回头看) by its date, each review
-- counted (a failed review and a later pass are two reviews). Items are
-- counted in their own region and the regions above it.
with items as (
    select * from {{ ref('stg_app__rectification_items') }}
),

reviews as (
    select * from {{ ref('stg_app__rectification_reviews') }}
),

-- today in China (the warehouse runs in UTC), as rectification/dates.ts has it
today as (
    select (now() at time zone 'Asia/Shanghai')::date as today_on
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

months as (
    select month_start from {{ ref('dim_month') }}
    union
    select generate_series(
        date_trunc('month', (select min(found_on) from items)),
        date_trunc('month', (select today_on from today)),
        interval '1 month'
    )::date
),

month_days as (
    select
        months.month_start,
        least((months.month_start + interval '1 month - 1 day')::date, today.today_on) as snapshot_on
    from months
    cross join today
),

period_months as (
    select 'month' as period_grain, month_start as period_start, month_start from months
    union all
    select 'quarter', date_trunc('quarter', month_start)::date, month_start from months
    union all
    select 'year', date_trunc('year', month_start)::date, month_start from months
),

periods as (
    select
        period_grain,
        period_start,
        month_start,
        max(month_start) over (partition by period_grain, period_start) as snapshot_month,
        count(*) over (partition by period_grain, period_start) as months_covered
    from period_months
),

open_at_month_end as (
    select
        month_days.month_start,
        items.region_code,
        items.category,
        items.item_source,
        count(*) as open_items,
        count(*) filter (where items.deadline_on < month_days.snapshot_on) as overdue_items,
        0 as closed_items,
        0 as closed_in_time_items,
        0 as days_to_close,
        0 as follow_ups,
        0 as follow_ups_passed
    from month_days
    inner join items
        on items.found_on <= month_days.snapshot_on
        and not (items.is_closed and items.completed_on <= month_days.snapshot_on)
    group by 1, 2, 3, 4
),

closed_in_month as (
    select
        date_trunc('month', completed_on)::date as month_start,
        region_code,
        category,
        item_source,
        0 as open_items,
        0 as overdue_items,
        count(*) as closed_items,
        count(*) filter (where is_closed_in_time) as closed_in_time_items,
        sum(days_to_close) as days_to_close,
        0 as follow_ups,
        0 as follow_ups_passed
    from items
    where is_closed
    group by 1, 2, 3, 4
),

reviewed_in_month as (
    select
        date_trunc('month', reviews.reviewed_on)::date as month_start,
        items.region_code,
        items.category,
        items.item_source,
        0 as open_items,
        0 as overdue_items,
        0 as closed_items,
        0 as closed_in_time_items,
        0 as days_to_close,
        count(*) as follow_ups,
        count(*) filter (where reviews.is_passed) as follow_ups_passed
    from reviews
    inner join items on items.item_id = reviews.item_id
    group by 1, 2, 3, 4
),

item_monthly as (
    select * from open_at_month_end
    union all
    select * from closed_in_month
    union all
    select * from reviewed_in_month
),

monthly as (
    select
        item_monthly.month_start,
        ancestors.ancestor_code as region_code,
        item_monthly.category,
        item_monthly.item_source,
        sum(item_monthly.open_items) as open_items,
        sum(item_monthly.overdue_items) as overdue_items,
        sum(item_monthly.closed_items) as closed_items,
        sum(item_monthly.closed_in_time_items) as closed_in_time_items,
        sum(item_monthly.days_to_close) as days_to_close,
        sum(item_monthly.follow_ups) as follow_ups,
        sum(item_monthly.follow_ups_passed) as follow_ups_passed
    from item_monthly
    inner join ancestors on ancestors.region_code = item_monthly.region_code
    group by 1, 2, 3, 4
),

rolled_up as (
    select
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.region_code,
        monthly.category,
        monthly.item_source,
        coalesce(sum(monthly.open_items) filter (where periods.month_start = periods.snapshot_month), 0) as open_items,
        coalesce(sum(monthly.overdue_items) filter (where periods.month_start = periods.snapshot_month), 0) as overdue_items,
        sum(monthly.closed_items) as closed_items,
        sum(monthly.closed_in_time_items) as closed_in_time_items,
        sum(monthly.days_to_close) as days_to_close,
        sum(monthly.follow_ups) as follow_ups,
        sum(monthly.follow_ups_passed) as follow_ups_passed
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6, 7
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code,
            rolled_up.category, rolled_up.item_source) as period_region_key,
        rolled_up.period_grain,
        rolled_up.period_start,
        rolled_up.snapshot_month,
        rolled_up.months_covered,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        rolled_up.category,
        rolled_up.item_source,
        rolled_up.open_items,
        rolled_up.overdue_items,
        rolled_up.closed_items,
        rolled_up.closed_in_time_items,
        rolled_up.days_to_close,
        rolled_up.follow_ups,
        rolled_up.follow_ups_passed
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
