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

{#
    pre_hook of an incremental integrity mart placed by nearest_listing (after
    delete_changed_months): a finding of an unchanged month keeps its facts,
    and keeps its place when the person is listed in that very month (that
    listing always wins, and it did not change). Only a finding placed by
    another month's listing (or by none) can move when a changed month adds,
    removes or edits a listing, so those are placed again here, as
    nearest_listing would place them. `columns`: the placed columns.
#}
{% macro relocate_findings(month, columns) -%}
    {%- if is_incremental() and var('changed_months', none) is not none -%}
    update {{ this }} as findings
    set
        {%- for column in columns %}
        {{ column }} = placed.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select distinct on (elsewhere.finding_id)
            elsewhere.finding_id
            {%- for column in columns %},
            locations.{{ column }}
            {%- endfor %}
        from {{ this }} as elsewhere
        left join {{ ref('int_integrity_person_locations') }} as locations on locations.id_number = elsewhere.id_number
        where not ({{ in_changed_months('elsewhere.' ~ month) }})
            -- only a changed person's listings moved (every person when the load names none)
            and {{ in_changed_persons('elsewhere.id_number') }}
            and not exists (
                select 1
                from {{ ref('int_integrity_person_locations') }} as own
                where own.id_number = elsewhere.id_number
                    and own.month_start = elsewhere.{{ month }}
            )
        order by
            elsewhere.finding_id,
            {{ nearest_listing_order('elsewhere.' ~ month) }}
    ) as placed
    where findings.finding_id = placed.finding_id
        -- most keep their place: leave those rows alone (no new row versions)
        and ({% for column in columns %}findings.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
            is distinct from ({% for column in columns %}placed.{{ column }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
