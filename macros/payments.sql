{#
    The day a monthly benefit is due: day var('payment_due_day') of its
    benefit month (所属月份). Paid on or before it is on time; paying ahead of
    the month is on time too.
#}
{% macro payment_due_on(benefit_month) -%}
    ({{ benefit_month }} + ({{ var('payment_due_day') }} - 1))
{%- endmacro %}
