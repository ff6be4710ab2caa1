{#
    fct_alleviated_person_month within the changed months. A person's rows of a
    month depend on that person's rows of the snapshot in force and on the
    roster of the month, so a load that names its changed persons
    (var changed_persons, incremental.sql) rebuilds only theirs; unless it moved
    the month's snapshot in force (a snapshot date gained its first row or lost
    its last): then every person of the month. A month has moved when its rows
    hold another snapshot than `snapshot_on` (the one in force now), or none (a
    new month, or one the pre_hook emptied).
#}
{% macro alleviated_month_moved(month_start, snapshot_on) -%}
    {%- if is_incremental() and var('changed_months', none) is not none and var('changed_persons', none) is not none -%}
    (
        -- a range, not =, so that the first row is looked up by the month index rather than a scan
        select stored.snapshot_on from {{ this }} as stored
        where stored.month_start >= {{ month_start }} and stored.month_start <= {{ month_start }}
        order by stored.month_start limit 1
    ) is distinct from {{ snapshot_on }}
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{# pre_hook: the changed persons' rows of the changed months, and every row of a month whose snapshot moved (or that left the calendar). #}
{% macro delete_alleviated_person_months() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ in_changed_months('month_start') }}
    {%- if var('changed_months', none) is not none and var('changed_persons', none) is not none %}
        and ({{ in_changed_persons('id_number') }} or month_start in (
            select changed.month_start
            from unnest({{ months_array(var('changed_months')) }}) as changed (month_start)
            left join {{ ref('dim_month') }} as months on months.month_start = changed.month_start
            where {{ alleviated_month_moved('changed.month_start',
                "(select max(snapshots.snapshot_on) from " ~ ref('int_alleviated_snapshots') ~ " as snapshots where snapshots.snapshot_on <= months.month_end)") }}
        ))
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#
    post_hook of fct_alleviated_person_month: analyze_sampled in place, and a
    full build samples 3,000 rows too (statistics target 10 for the statement):
    its 1.5 million rows at city scale are next read whole by the household
    model, and autovacuum analyzes the new table in full after the commit; the
    full analyze was a tenth of the full build.
#}
{% macro analyze_alleviated_person_months() -%}
    {%- if is_incremental() -%}
    {{ analyze_sampled() }}
    {%- else -%}
    set local default_statistics_target = 10;
    analyze {{ this }};
    set local default_statistics_target to default
    {%- endif -%}
{%- endmacro %}
