{{ config(materialized='view') }}
-- The months of the rectification marts' periods: those the warehouse holds
-- data for (dim_month) and every month from the first item found to the
-- current one, with each month's snapshot day (its last day, or today for the
-- current month) and, per grain (month, quarter, year) and period, its
-- snapshot month and months covered (as int_period_months). A view: "today"
-- moves without a rebuild.
with items as (
    select * from {{ ref('stg_app__rectification_items') }}
),

-- today in China (the warehouse runs in UTC), as rectification/dates.ts has it
today as (
    select (now() at time zone 'Asia/Shanghai')::date as today_on
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

final as (
    select
        periods.*,
        month_days.snapshot_on
    from periods
    inner join month_days on month_days.month_start = periods.month_start
)

select * from final
