{{ config(materialized='incremental', post_hook='{{ analyze_sampled(in_place=false) }}', incremental_strategy='append',
    pre_hook="{{ delete_changed_periods(also=benefit_months_placed_elsewhere()) }}",
    indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Benefits paid and the persons they are paid for: one row per region (city,
-- county, township), grain (month, quarter, year), period and roster category.
-- Flows sum over the period's months the payments of those benefit months
-- (int_benefit_payment_month: 发放金额 by 所属月份, in the payment's own
-- category, in the region of the person's listing that counts) and the
-- person-months on the dibao/tekun roster (fct_basic_living_person_month, by
-- village: int_basic_living_village_month).
-- Snapshot columns (roster_*) hold the period's last month with data: the
-- persons on the roster and the sum of their 月救助金额, each person once by the
-- listing that counts — domain.md's average monthly dibao benefit is
-- roster_benefit_yuan ÷ roster_persons of the dibao categories.
-- Incremental: a month's rows read that month's payments and roster, except
-- the payments whose person is not on that month's roster, placed by the
-- nearest roster month of any month: the periods of the changed months and of
-- the months holding such a payment are rebuilt.
{%- set measures = ['payments', 'payments_on_time', 'amount_paid_yuan', 'amount_paid_on_time_yuan', 'person_months', 'roster_persons', 'roster_benefit_yuan'] %}
{%- set also = benefit_months_placed_elsewhere() %}
with payments as (
    select * from {{ ref('int_benefit_payment_month') }}
    where region_code is not null and {{ in_changed_years('month_start', also) }}
),

village_person_months as (
    select * from {{ ref('int_basic_living_village_month') }}
    where {{ in_changed_years('month_start', also) }}
),

village_monthly as (
    select
        coalesce(payments.month_start, village_person_months.month_start) as month_start,
        coalesce(payments.region_code, village_person_months.region_code) as region_code,
        coalesce(payments.category, village_person_months.category) as category,
        coalesce(payments.payments, 0) as payments,
        coalesce(payments.payments_on_time, 0) as payments_on_time,
        coalesce(payments.amount_paid_yuan, 0) as amount_paid_yuan,
        coalesce(payments.amount_paid_on_time_yuan, 0) as amount_paid_on_time_yuan,
        coalesce(village_person_months.person_months, 0) as person_months,
        coalesce(village_person_months.person_months, 0) as roster_persons,
        coalesce(village_person_months.roster_benefit_yuan, 0) as roster_benefit_yuan
    from payments
    full join village_person_months using (month_start, region_code, category)
),

monthly as (
    select *, {{ basic_living_programme('category') }}
    from ({{ to_ancestors('village_monthly', ['category'], measures) }}) as regional
),

final as (
    {{ period_rollup('monthly', ['programme', 'programme_name', 'urban_rural', 'urban_rural_name', 'category'], measures,
        snapshot=['roster_persons', 'roster_benefit_yuan'], fill=0, key=['category'], also=also) }}
)

select * from final
