{#
    Data tests of a monthly load (issue 14) keep to the rows the load changed,
    with dbt's test config `where:`.

    Incremental models use the macros of incremental.sql in their tests'
    `where:` (in_changed_months, in_changed_periods): the runner answers
    is_incremental() in a test as it did for the tested model in this run (true
    when it was updated in place), so a model built in full is tested in full.
    dbt answers false in every test: there such a `where:` keeps every row.
    A build in place writes rows of the changed months only (its pre_hook
    deletes exactly those), so not_null on the month itself may be scoped too.

    A staging view of a raw table is rebuilt every run, yet a load changes its
    raw rows only in the months it passes as changed_months (etl/load/changes.ts:
    the month of every row it removed or added); the rows of other months are
    the ones an earlier load tested. in_loaded_months keeps those months (the
    raw table's partitions, when it is partitioned by that month); without
    months (none or empty: a full build) every row.
#}
{% macro in_loaded_months(month_column) -%}
    {%- set months = var('changed_months', none) -%}
    {%- if months is not none and months | length > 0 -%}
    {{ month_column }} = any({{ months_array(months) }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#
    A staging view's rows of a month and person the load did not change are
    those an earlier load tested: in_loaded_rows keeps the loaded months and,
    when the load named its persons (var changed_persons: rows replaced by
    identity), those persons; without months every row.
#}
{% macro in_loaded_rows(month_column, id_column) -%}
    {%- set months = var('changed_months', none) -%}
    {%- set persons = var('changed_persons', none) -%}
    {%- if months is not none and months | length > 0 and persons is not none -%}
    {{ in_loaded_months(month_column) }} and {{ id_column }} = any({{ text_array(persons) }})
    {%- else -%}
    {{ in_loaded_months(month_column) }}
    {%- endif -%}
{%- endmacro %}

{#
    What a period test reads when the mart was updated in place, as literal
    ranges and dates on its columns rather than subqueries over the month
    list, so the planner estimates the rows from the columns' statistics (a
    subquery made it expect one period and loop over every pair). Without
    is_incremental() every row, as in_changed_years / in_changed_periods.
#}

{# Rows of a year holding a changed month. #}
{% macro in_changed_years_literal(column) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is none -%}
    true
    {%- elif months | length == 0 -%}
    false
    {%- else -%}
    ({% for m in months %}{% set year = m.split('-')[0] | int %}({{ column }} >= '{{ year }}-01-01' and {{ column }} < '{{ year + 1 }}-01-01'){{ ' or ' if not loop.last else '' }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{# Periods (grain month, quarter or year) holding a changed month. #}
{% macro in_changed_periods_literal(grain_column, start_column) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is none -%}
    true
    {%- elif months | length == 0 -%}
    false
    {%- else -%}
    ({{ grain_column }} = 'month' and {{ start_column }} = any({{ months_array(months) }})
        or {{ grain_column }} = 'quarter' and {{ start_column }} = any(array[{% for m in months %}{% set parts = m.split('-') %}{% set q = (((parts[1] | int) - 1) // 3) * 3 + 1 %}'{{ parts[0] }}-{{ '0' if q < 10 else '' }}{{ q }}-01'{{ ', ' if not loop.last else '' }}{% endfor %}]::date[])
        or {{ grain_column }} = 'year' and {{ start_column }} = any(array[{% for m in months %}'{{ m.split('-')[0] }}-01-01'{{ ', ' if not loop.last else '' }}{% endfor %}]::date[]))
    {%- endif -%}
{%- endmacro %}
