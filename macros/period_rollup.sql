{#
    Village facts rolled up the region tree: one row per month, region (every
    city, county and township the village counts in) and dimensions, each
    measure summed. `village` has month_start and the village's region_code.
    `cast`: the sums' type (e.g. bigint, to keep the type of summed counts).
#}
{% macro to_ancestors(village, dimensions, measures, cast=none) -%}
    select
        {{ village }}.month_start,
        ancestors.ancestor_code as region_code,
        {%- for column in dimensions %}
        {{ village }}.{{ column }},
        {%- endfor %}
        {%- for column in measures %}
        sum({{ village }}.{{ column }}){{ '::' ~ cast if cast is not none }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ village }}
    inner join {{ ref('int_rollup_ancestors') }} as ancestors on ancestors.region_code = {{ village }}.region_code
    group by {% for i in range(dimensions | length + 2) %}{{ i + 1 }}{{ ', ' if not loop.last }}{% endfor %}
{%- endmacro %}

{#
    The periodic snapshot (README "Snapshot and flow indicators"), written once.
    `monthly` has one row per month_start, region_code (a city, county or
    township: already rolled up the region tree) and dimensions. One row per
    region, grain (month, quarter, year), period and dimensions, columns in
    this order: period_region_key, the period (grain, start, snapshot month,
    months covered), the region's lineage, `dimensions`, `measures`.
    Measures named in `snapshot` take the period's last month with data
    (`fill` where that month has no row); the others (flows) add up the
    period's months. Without flows the rows are those of the last month.
    `key`: the key's parts after the region (default: the dimensions).
    `periods`: the period months to use (default int_period_months).
    `also`: more months whose periods an incremental build rebuilds (incremental.sql).
    `period_columns`: columns of the snapshot month placed after the period's
    (snapshot marts only, e.g. the day the standards are in force).
#}
{% macro period_rollup(monthly, dimensions=[], measures=[], snapshot=[], key=none, fill=none, period_columns=[], periods=none, also=none) -%}
{%- set flows = [] -%}
{%- for column in measures %}{% if not (column in snapshot) %}{% set _ = flows.push(column) %}{% endif %}{% endfor -%}
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code
            {%- for part in (key if key is not none else dimensions) %}, {{ part }}{% endfor %}) as period_region_key,
        rolled_up.period_grain,
        rolled_up.period_start,
        rolled_up.snapshot_month,
        rolled_up.months_covered,
        {%- for column in period_columns %}
        rolled_up.{{ column }},
        {%- endfor %}
        {{ region_lineage('regions') | indent(8) }}
        {%- for column in dimensions %},
        rolled_up.{{ column }}
        {%- endfor %}
        {%- for column in measures %},
        rolled_up.{{ column }}
        {%- endfor %}
    from (
        select
            periods.period_grain,
            periods.period_start,
            periods.snapshot_month,
            periods.months_covered,
            {%- for column in period_columns %}
            monthly.{{ column }},
            {%- endfor %}
            monthly.region_code
            {%- for column in dimensions %},
            monthly.{{ column }}
            {%- endfor %}
            {%- for column in measures %},
            {% if flows | length == 0 -%}
            monthly.{{ column }}
            {%- elif column in snapshot -%}
            {{ 'coalesce(' if fill is not none }}max(monthly.{{ column }}) filter (where monthly.month_start = periods.snapshot_month){{ ', ' ~ fill ~ ')' if fill is not none }} as {{ column }}
            {%- else -%}
            sum(monthly.{{ column }}) as {{ column }}
            {%- endif %}
            {%- endfor %}
        from {{ periods if periods is not none else ref('int_period_months') }} as periods
        inner join {{ monthly }} as monthly on monthly.month_start = periods.month_start
        where {{ in_changed_periods('periods.period_grain', 'periods.period_start', also) }}
        {%- if flows | length == 0 %}
            and periods.is_snapshot_month
        {%- else %}
        group by {% for i in range(dimensions | length + 5) %}{{ i + 1 }}{{ ', ' if not loop.last }}{% endfor %}
        {%- endif %}
    ) as rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join {{ ref('int_rollup_ancestors') }} as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
{%- endmacro %}
