{#
    Data tests of a monthly load (issue 14) keep to the rows the load changed,
    with dbt's test config `where:`.

    Incremental models use the macros of incremental.sql in their tests'
    `where:` (in_changed_months, in_changed_periods): the runner answers
    is_incremental() in a test as it did for the tested model in this run (true
    when it was updated in place), so a model built in full is tested in full.
    dbt answers false in every test: there such a `where:` keeps every row.

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
