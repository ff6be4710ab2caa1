{#
    pre_hook of a period mart, as delete_changed_periods (incremental.sql) but
    naming each rebuilt period as its (grain, start) pair: the delete finds
    them through the marts' index on (period_grain, region_level, period_start)
    instead of reading the whole table to compare every row's start with its
    own grain's truncation of the changed months.
#}
{% macro delete_changed_periods_indexed(also=none) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    {%- if months is not none %}
    where (period_grain, period_start) in (
        select grain, date_trunc(grain, changed)::date
        from unnest({{ rebuilt_months(months, also) }}) as changed
        cross join unnest(array['month', 'quarter', 'year']) as grain
    )
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}
