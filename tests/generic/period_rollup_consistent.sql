{#
    A periodic-snapshot mart (macros/period_rollup.sql) agrees with its own
    month rows: for every region, breakdown and quarter or year, each flow
    column equals the sum of its months, and each snapshot column equals the
    month row at the period's snapshot month (its last month with data; 0 where
    a mart with flows has no row that month). Rows are matched on what follows
    the period in period_region_key (region and breakdown). Returns one row
    per period row and column that disagree.

    When the runner updated the mart in place (is_incremental() in a test:
    macros/test_scope.sql), the test reads the years holding a changed month
    and checks the periods that hold one (month, quarter, year: the periods the
    incremental build rebuilt, delete_changed_periods); a period lies within
    its year, so each checked period has all its months. The other periods are
    as the load that tested them left them. dbt, and a build in full, check
    every period.
#}
{% test period_rollup_consistent(model, snapshot=[], flow=[]) %}
{%- set columns = [] %}
{%- for column in flow %}{% set _ = columns.push(column) %}{% endfor %}
{%- for column in snapshot %}{% set _ = columns.push(column) %}{% endfor %}
with keyed as (
    -- only the columns checked: the CTE is read twice, so PostgreSQL keeps its rows
    select
        period_region_key,
        period_grain,
        period_start,
        {%- if snapshot | length > 0 %}
        snapshot_month,
        {%- endif %}
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        -- what follows 'grain:YYYY-MM-DD:' (a regular expression cost twice the scan)
        substr(period_region_key, length(period_grain) + 13) as row_key
    from {{ model }}
    where {{ in_changed_years_literal('period_start') }}
),

periods as (
    select * from keyed
    where period_grain in ('quarter', 'year')
        and {{ in_changed_periods_literal('period_grain', 'period_start') }}
),

months as (
    select * from keyed
    where period_grain = 'month'
),

expected as (
    select
        periods.period_region_key
        {%- for column in flow %},
        sum(months.{{ column }}) as expected_{{ column }}
        {%- endfor %}
        {%- for column in snapshot %},
        (array_agg(months.{{ column }}) filter (where months.period_start = periods.snapshot_month))[1] as expected_{{ column }}
        {%- endfor %}
    from periods
    left join months
        on months.row_key = periods.row_key
        and months.period_start >= periods.period_start
        and months.period_start < periods.period_start
            + case periods.period_grain when 'quarter' then interval '3 months' else interval '1 year' end
    group by periods.period_region_key
),

-- every column of a period row compared in one join (a union of one join per column read
-- periods and expected once per column)
checks as (
    select
        periods.period_region_key,
        compared.column_name,
        compared.actual,
        compared.expected_value as expected
    from periods
    inner join expected on expected.period_region_key = periods.period_region_key
    cross join lateral (
        values
        {%- for column in columns %}
        (
            '{{ column }}',
            periods.{{ column }}::text,
            expected.expected_{{ column }}::text,
            periods.{{ column }} is distinct from expected.expected_{{ column }}
            {%- if column in snapshot and flow | length > 0 %}
            and not (expected.expected_{{ column }} is null and periods.{{ column }} = 0)
            {%- endif %}
        ){{ ',' if not loop.last }}
        {%- endfor %}
    ) as compared (column_name, actual, expected_value, differs)
    where compared.differs
)

select * from checks
{% endtest %}
