{#
    Incremental builds (issue 14). A load passes the months whose source rows
    it replaced, added or removed as var('changed_months') (YYYY-MM-01 strings,
    with the later months a carried-forward source reaches already added by the
    load); null or absent means "everything". A monthly model rebuilds those
    months; a period mart rebuilds every period containing one of them (the
    month, its quarter and its year), reading the whole years those periods lie
    in. Each model deletes what it rebuilds in a pre_hook and appends the new
    rows (incremental_strategy='append'); see models/README.md.
#}

{# The changed months as a SQL date array. #}
{% macro months_array(months) -%}
    array[{% for month in months %}'{{ month }}'{{ ', ' if not loop.last }}{% endfor %}]::date[]
{%- endmacro %}

{# True for rows of a changed month (every row on a full build). #}
{% macro in_changed_months(month_column) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    {{ month_column }} = any({{ months_array(months) }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# True for rows of a year holding a changed month: what a changed period reads. #}
{% macro in_changed_years(month_column) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    date_trunc('year', {{ month_column }}) in (select date_trunc('year', changed) from unnest({{ months_array(months) }}) as changed)
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# True for periods (grain month, quarter or year) holding a changed month. #}
{% macro in_changed_periods(grain_column, start_column) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    {{ start_column }} in (select date_trunc({{ grain_column }}, changed)::date from unnest({{ months_array(months) }}) as changed)
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# pre_hook of a monthly model: remove the months about to be rebuilt. #}
{% macro delete_changed_months(month_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ in_changed_months(month_column) }}
    {%- endif -%}
{%- endmacro %}

{# pre_hook of a period mart: remove the periods about to be rebuilt. #}
{% macro delete_changed_periods() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ in_changed_periods('period_grain', 'period_start') }}
    {%- endif -%}
{%- endmacro %}
