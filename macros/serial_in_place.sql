{#
    pre_hook / post_hook pair of a model whose in-place build reads one or two
    months (tens of thousands of rows): no parallel workers for its query.
    Starting them cost more CPU than they saved (a month of the benefit
    payments: 360 ms of CPU in three processes against 180 ms in one) on a
    warehouse whose cores the load, the gateway and the other models share. A
    full build keeps them. `set local` lasts to the end of the load's
    transaction: the post_hook puts the setting back.
#}
{% macro serial_in_place() -%}
    {%- if is_incremental() -%}
    set local max_parallel_workers_per_gather = 0
    {%- endif -%}
{%- endmacro %}

{% macro end_serial_in_place() -%}
    {%- if is_incremental() -%}
    set local max_parallel_workers_per_gather to default
    {%- endif -%}
{%- endmacro %}
