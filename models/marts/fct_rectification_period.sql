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
{%- set measures = ['open_items', 'overdue_items', 'closed_items', 'closed_in_time_items', 'days_to_close', 'follow_ups', 'follow_ups_passed'] %}
with periods as (
    select * from {{ ref('int_rectification_period_months') }}
),

monthly as (
    select * from {{ ref('int_rectification_month') }}
),

final as (
    {{ period_rollup('monthly', ['category', 'item_source'], measures,
        snapshot=['open_items', 'overdue_items'], fill=0, periods='periods') }}
)

select * from final
