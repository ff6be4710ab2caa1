{#
    The order that picks, among a person's listings (int_integrity_person_locations),
    the one closest to `month`: that month's own, else the closest earlier month,
    else the closest later one; then by the listing source's rank and region code.
    Use after the `distinct on` key in an `order by`.
#}
{% macro nearest_listing_order(month, locations='locations') -%}
    {#- date differences are days: any later month ranks after every earlier one -#}
    {%- set later_month_penalty_days = 100000 -%}
    case
            when {{ locations }}.month_start <= {{ month }} then {{ month }} - {{ locations }}.month_start
            else {{ later_month_penalty_days }} + ({{ locations }}.month_start - {{ month }})
        end,
        {{ locations }}.source_rank,
        {{ locations }}.region_code
{%- endmacro %}

{#
    Each row of `facts` (one per `key`) with the `columns` (person_name,
    region_code) of the person's listing closest to `month`, from the `locations`
    CTE (int_integrity_person_locations); null where the person is never listed.
#}
{% macro nearest_listing(facts, key, month, columns) -%}
    select distinct on ({{ facts }}.{{ key }})
        {{ facts }}.*
        {%- for column in columns %},
        locations.{{ column }}
        {%- endfor %}
    from {{ facts }}
    left join locations on locations.id_number = {{ facts }}.id_number
    order by
        {{ facts }}.{{ key }},
        {{ nearest_listing_order(facts ~ '.' ~ month) }}
{%- endmacro %}
