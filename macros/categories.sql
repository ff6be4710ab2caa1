{#
    The four dibao/tekun roster categories (城市低保, 农村低保, 城市特困, 农村特困)
    split into programme (dibao or tekun) and urban or rural side, as codes and
    as Chinese names. `names`: also the *_name columns.
#}
{% macro basic_living_programme(category, names=true) -%}
    case when {{ category }} in ('城市低保', '农村低保') then 'dibao' else 'tekun' end as programme,
    {%- if names %}
    case when {{ category }} in ('城市低保', '农村低保') then '低保' else '特困' end as programme_name,
    {%- endif %}
    case when {{ category }} in ('城市低保', '城市特困') then 'urban' else 'rural' end as urban_rural
    {%- if names %},
    case when {{ category }} in ('城市低保', '城市特困') then '城市' else '农村' end as urban_rural_name
    {%- endif %}
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
