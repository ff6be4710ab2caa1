{{ config(materialized='view') }}
-- Rectification items by month and region (city, county, township): items
-- open at the month's snapshot day and those among them past their deadline
-- (snapshots), items closed and reviews made in the month (flows); see
-- fct_rectification_period. A view over the application's tables.
with items as (
    select * from {{ ref('stg_app__rectification_items') }}
),

reviews as (
    select * from {{ ref('stg_app__rectification_reviews') }}
),

month_days as (
    select distinct month_start, snapshot_on from {{ ref('int_rectification_period_months') }}
),

ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
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
)

select * from monthly
