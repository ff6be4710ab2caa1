{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Rectification items (整改问题清单) by period: one row per region (city,
-- county, township), grain (month, quarter, year), period and breakdown
-- (problem category, problem source). Snapshot columns are taken at the
-- period's last day (the last day of its last month with data): items found on
-- or before it and not closed by then (closed = 已整改 / 已销号 with a
-- completion date on or before that day), and those among them past their
-- deadline. Flow columns add up the period: items closed in it and their days
-- from finding to completion, and follow-up checks (回头看) with a conclusion
-- dated in it. Items are counted in their own region and the regions above it
-- (an item recorded at county level has no township).
with periods as (
    select * from {{ ref('int_period_months') }}
),

months as (
    select * from {{ ref('dim_month') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

items as (
    select * from {{ ref('stg_raw__rectification_items') }}
),

open_at_month_end as (
    select
        months.month_start,
        items.region_code,
        items.category,
        items.item_source,
        count(*) as open_items,
        count(*) filter (where items.deadline_on < months.month_end) as overdue_items,
        0 as closed_items,
        0 as days_to_close,
        0 as follow_ups,
        0 as follow_ups_passed
    from months
    inner join items
        on items.found_on <= months.month_end
        and not (items.is_closed and items.completed_on <= months.month_end)
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
        sum(days_to_close) as days_to_close,
        0 as follow_ups,
        0 as follow_ups_passed
    from items
    where is_closed
    group by 1, 2, 3, 4
),

followed_up_in_month as (
    select
        date_trunc('month', follow_up_on)::date as month_start,
        region_code,
        category,
        item_source,
        0 as open_items,
        0 as overdue_items,
        0 as closed_items,
        0 as days_to_close,
        count(*) as follow_ups,
        count(*) filter (where follow_up_result = '通过') as follow_ups_passed
    from items
    where follow_up_on is not null and follow_up_result is not null
    group by 1, 2, 3, 4
),

item_monthly as (
    select * from open_at_month_end
    union all
    select * from closed_in_month
    union all
    select * from followed_up_in_month
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
        coalesce(sum(monthly.open_items) filter (where periods.is_snapshot_month), 0) as open_items,
        coalesce(sum(monthly.overdue_items) filter (where periods.is_snapshot_month), 0) as overdue_items,
        sum(monthly.closed_items) as closed_items,
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
