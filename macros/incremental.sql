{#
    Incremental builds (issue 14). A load passes the months whose source rows
    it replaced, added or removed as var('changed_months') (YYYY-MM-01 strings,
    with the later months a carried-forward source reaches already added by the
    load); null or absent means "everything". A monthly model rebuilds those
    months; a period mart rebuilds every period containing one of them (the
    month, its quarter and its year), reading the whole years those periods lie
    in. Each model deletes what it rebuilds in a pre_hook and appends the new
    rows (incremental_strategy='append'); see models/README.md.

    `also`: a SQL date[] expression of more months to rebuild, for a model
    whose months also depend on other months (e.g. the months after a changed
    one that read it); the pre_hook and the model must pass the same.
#}

{# The changed months as a SQL date array. #}
{% macro months_array(months) -%}
    array[{% for month in months %}'{{ month }}'{{ ', ' if not loop.last }}{% endfor %}]::date[]
{%- endmacro %}

{# The changed months as a SQL date array, with the `also` months. #}
{% macro rebuilt_months(months, also=none) -%}
    {%- if also is none -%}
    {{ months_array(months) }}
    {%- else -%}
    ({{ months_array(months) }} || ({{ also }})::date[])
    {%- endif -%}
{%- endmacro %}

{# True for rows of a changed month (every row on a full build). #}
{% macro in_changed_months(month_column, also=none) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    {{ month_column }} = any({{ rebuilt_months(months, also) }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# True for rows of a year holding a changed month: what a changed period reads. #}
{% macro in_changed_years(month_column, also=none) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    date_trunc('year', {{ month_column }}) in (select date_trunc('year', changed) from unnest({{ rebuilt_months(months, also) }}) as changed)
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# True for periods (grain month, quarter or year) holding a changed month. #}
{% macro in_changed_periods(grain_column, start_column, also=none) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    {{ start_column }} in (select date_trunc({{ grain_column }}, changed)::date from unnest({{ rebuilt_months(months, also) }}) as changed)
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# pre_hook of a monthly model: remove the months about to be rebuilt. #}
{% macro delete_changed_months(month_column, also=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ in_changed_months(month_column, also) }}
    {%- endif -%}
{%- endmacro %}

{#
    Within the changed months, a load that replaced rows by identity (a
    correction, a keyed export) names the persons whose rows differ, old and
    new, as var('changed_persons') (ID numbers), and their households as
    var('changed_households'); null or absent: every person (a monthly load
    replacing whole months, more than 1,000 persons). A person-month model
    whose rows of one person and month depend only on that person's source
    rows of that month keeps to those persons: `pre_hook` delete_changed_rows,
    `where` in_changed_rows, on the same columns.
#}

{# Strings as a SQL text array. #}
{% macro text_array(values) -%}
    array[{% for value in values %}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %}]::text[]
{%- endmacro %}

{# True for rows of a changed person (every row on a full build, or when the load named no persons). #}
{% macro in_changed_persons(id_column) -%}
    {%- set persons = var('changed_persons', none) if is_incremental() and var('changed_months', none) is not none else none -%}
    {%- if persons is not none -%}
    {{ id_column }} = any({{ text_array(persons) }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# True for rows of a changed person in a changed month: what a person-month model rebuilds. #}
{% macro in_changed_rows(month_column, id_column, also=none) -%}
    {{ in_changed_months(month_column, also) }} and {{ in_changed_persons(id_column) }}
{%- endmacro %}

{# pre_hook of a person-month model: remove the changed persons' rows of the months about to be rebuilt. #}
{% macro delete_changed_rows(month_column, id_column, also=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ in_changed_rows(month_column, id_column, also) }}
    {%- endif -%}
{%- endmacro %}

{#
    True for rows of a household-month holding a changed person: a household of
    a changed person in `persons` (a person-month relation already rebuilt, with
    its month, household and ID-number columns) that month, or a household
    whose raw rows the load changed (var changed_households: the households a
    person left, which `persons` no longer shows). Sound where a person's
    household in `persons` comes from a raw household_id column and its rows
    come and go only with that person's raw rows; every row on a full build or
    when the load named no persons. Use it with in_changed_months on `month_column`.
#}
{% macro in_changed_households(month_column, household_column, persons, persons_month='month_start', persons_household='household_id', persons_id='id_number') -%}
    {%- set households = var('changed_households', none) -%}
    {%- if is_incremental() and var('changed_months', none) is not none and var('changed_persons', none) is not none and households is not none -%}
    (({{ month_column }}, {{ household_column }}) in (
        select {{ persons_month }}, {{ persons_household }}
        from {{ persons }}
        where {{ in_changed_rows(persons_month, persons_id) }}
    ) or {{ household_column }} = any({{ text_array(households) }}))
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# pre_hook of a period mart: remove the periods about to be rebuilt. #}
{% macro delete_changed_periods(also=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ in_changed_periods('period_grain', 'period_start', also) }}
    {%- endif -%}
{%- endmacro %}

{# The `later` months after each changed month, as `also`: for a model whose month reads earlier months. #}
{% macro months_after_changed(later) -%}
    {%- set months = var('changed_months', none) if is_incremental() else none -%}
    {%- if months is not none -%}
    array(select (changed + interval '1 month' * step)::date from unnest({{ months_array(months) }}) as changed cross join generate_series(1, {{ later }}) as step)
    {%- else -%}
    array[]::date[]
    {%- endif -%}
{%- endmacro %}

{#
    How many months after its acceptance month an application's deadline
    (var decision_working_days_limit working days) can fall: a working week is
    5 of 7 days, plus two weeks for the longest official holidays, counted from
    the acceptance month's last day.
#}
{% macro decision_deadline_months() -%}
    {{ ((var('decision_working_days_limit', 20) * 7 / 5 + 14) / 28) | round(0, 'ceil') | int }}
{%- endmacro %}

{#
    fct_warning_period's `also`: the months holding a pending warning raised
    within var('warning_handling_days') of the month's last day, the only
    warnings the data's as-of date can judge either way.
#}
{% macro warning_months_judged_by_as_of() -%}
    array(
        select distinct warned_month
        from {{ ref('stg_raw__warnings') }}
        where not is_handled
            and (warned_month + interval '1 month - 1 day')::date - warned_on <= {{ var('warning_handling_days', 15) }}
    )
{%- endmacro %}

{# fct_benefit_period's `also`: the months holding a payment placed by another month's roster. #}
{% macro benefit_months_placed_elsewhere() -%}
    array(select distinct benefit_month from {{ ref('int_benefit_payment_unlisted') }})
{%- endmacro %}

{#
    post_hook of every incremental model: the models below it in the same load
    need the months it added in the statistics (else they are planned for one
    row), not a fine histogram. An in-place build samples 3,000 rows
    (statistics target 10, for this statement only) instead of 30,000: an
    ANALYZE at the default target costs 50-130 ms a model, and a monthly load
    runs some twenty. A full build analyzes as usual. Autovacuum analyzes again
    after the commit (the load's inserts count as changes since). A load that
    names its changed persons (a correction) analyzes nothing: at most 1,000
    persons' rows changed, in months the statistics already hold.
    `in_place=false`: a table no model reads (the period marts) is analyzed
    only when built in full: in place nothing after it in the load plans on
    its statistics (its tests and rollups read the rebuilt periods by key),
    and the periods a load rewrites (its month, quarter and year) pass
    autovacuum's 10 % threshold, which analyzes it after the commit.
#}
{% macro analyze_sampled(in_place=true) -%}
    {%- if is_incremental() and not in_place -%}
    {#- a table no model of the load reads: autovacuum analyzes it after the commit -#}
    {%- elif is_incremental() and var('changed_months', none) is not none and var('changed_persons', none) is not none -%}
    {#- a load that names its persons rewrote a few rows of months the statistics already hold -#}
    {%- elif is_incremental() -%}
    set local default_statistics_target = 10;
    analyze {{ this }};
    set local default_statistics_target to default
    {%- else -%}
    analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
