{#
    The nine region columns of every period mart: the region itself, its name
    and level, and its city, county and township (code and name), read from an
    int_rollup_ancestors row paired with itself (distance = 0).
#}
{% macro region_lineage(regions) -%}
{{ regions }}.region_code,
{{ regions }}.ancestor_name as region_name,
{{ regions }}.ancestor_level as region_level,
{{ regions }}.ancestor_city_code as city_code,
{{ regions }}.ancestor_city_name as city_name,
{{ regions }}.ancestor_county_code as county_code,
{{ regions }}.ancestor_county_name as county_name,
{{ regions }}.ancestor_township_code as township_code,
{{ regions }}.ancestor_township_name as township_name
{%- endmacro %}
