-- The calendar of months the warehouse holds data for: from the first month of
-- any fact to the last month of the monthly rosters (or of any fact, if none).
with roster_bounds as (
    -- the rosters' months from the incremental models that hold every roster
    -- month: their month indexes answer min and max without reading the rows
    select min(stat_month) as first_month, max(stat_month) as last_month
    from {{ ref('int_basic_living_listing') }}
    union all
    select min(stat_month), max(stat_month)
    from {{ ref('fct_low_income_person_month') }}
),

other_months as (
    select relief_month as month_start from {{ ref('stg_raw__temp_relief') }}
    union all
    select decided_month from {{ ref('stg_raw__applications') }} where decided_month is not null
),

bounds as (
    select
        least((select min(first_month) from roster_bounds), (select min(month_start) from other_months)) as first_month,
        coalesce((select max(last_month) from roster_bounds), (select max(month_start) from other_months)) as last_month
),

months as (
    select generate_series(first_month, last_month, interval '1 month')::date as month_start
    from bounds
    where first_month is not null
),

final as (
    select
        month_start,
        (month_start + interval '1 month - 1 day')::date as month_end,
        date_trunc('quarter', month_start)::date as quarter_start,
        date_trunc('year', month_start)::date as year_start,
        extract(year from month_start)::int as year_number,
        extract(quarter from month_start)::int as quarter_number,
        extract(month from month_start)::int as month_number,
        extract(month from month_start)::int % 3 = 0 as is_quarter_end
    from months
)

select * from final
