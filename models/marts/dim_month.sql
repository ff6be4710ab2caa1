-- The calendar of months the warehouse holds data for: from the first month of
-- any fact to the last month of the monthly rosters (or of any fact, if none).
with fact_months as (
    select stat_month as month_start, true as is_roster from {{ ref('stg_raw__low_income_roster') }}
    union all
    select stat_month, true from {{ ref('stg_raw__basic_living_roster') }}
    union all
    select relief_month, false from {{ ref('stg_raw__temp_relief') }}
    union all
    select decided_month, false from {{ ref('stg_raw__applications') }} where decided_month is not null
),

bounds as (
    select
        min(month_start) as first_month,
        coalesce(max(month_start) filter (where is_roster), max(month_start)) as last_month
    from fact_months
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
