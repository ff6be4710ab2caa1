{#
    The four dibao/tekun roster categories (城市低保, 农村低保, 城市特困, 农村特困)
    split into programme (dibao or tekun) and urban or rural side: the one place
    that knows which category is which. `names`: the Chinese name, not the code.
#}
{% macro programme_of(category, names=false) -%}
    case when {{ category }} in ('城市低保', '农村低保') then {{ "'低保'" if names else "'dibao'" }} else {{ "'特困'" if names else "'tekun'" }} end
{%- endmacro %}

{% macro urban_rural_of(category, names=false) -%}
    case when {{ category }} in ('城市低保', '城市特困') then {{ "'城市'" if names else "'urban'" }} else {{ "'农村'" if names else "'rural'" }} end
{%- endmacro %}

{# The four programme columns of the basic-living marts, in their order. #}
{% macro basic_living_programme(category) -%}
    {{ programme_of(category) }} as programme,
    {{ programme_of(category, names=true) }} as programme_name,
    {{ urban_rural_of(category) }} as urban_rural,
    {{ urban_rural_of(category, names=true) }} as urban_rural_name
{%- endmacro %}

{# The code of a low-income population category (低收入人口监测名单's 人员类别). #}
{% macro low_income_category_code(category) -%}
    case {{ category }}
            when '特困人员' then 'tekun'
            when '低保对象' then 'dibao'
            when '低保边缘人口' then 'dibao_margin'
            when '刚性支出困难人口' then 'rigid_expense'
            else 'other'
        end
{%- endmacro %}
