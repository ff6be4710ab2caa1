-- The months of every statistical period: one row per grain (month, quarter,
-- year), period and month of the period that the warehouse holds. The
-- snapshot month is the period's last month with data; snapshot indicators
-- take their value there (and "the period's last day" is that month's last
-- day), flow indicators add up all the months of the period. The same rule
-- as fct_indicator_period, shared by every fct_*_period mart.
with months as (
    select * from {{ ref('dim_month') }}
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
    group by period_grain, period_start
),

final as (
    select
        periods.period_grain || ':' || periods.period_start || ':' || periods.month_start as period_month_key,
        periods.period_grain,
        periods.period_start,
        periods.month_start,
        period_bounds.snapshot_month,
        (period_bounds.snapshot_month + interval '1 month - 1 day')::date as snapshot_month_end,
        period_bounds.months_covered,
        periods.month_start = period_bounds.snapshot_month as is_snapshot_month
    from periods
    inner join period_bounds
        on period_bounds.period_grain = periods.period_grain
        and period_bounds.period_start = periods.period_start
)

select * from final
