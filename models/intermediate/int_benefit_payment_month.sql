{{ config(materialized='incremental', incremental_strategy='append',
    pre_hook="{{ delete_changed_months('month_start', also=benefit_months_placed_elsewhere()) }}",
    post_hook="{% if is_incremental() %}{{ analyze_sampled() }}{% endif %}") }}
-- Benefit payments (kind 5) by benefit month (所属月份), region and roster
-- category. The export carries no region code: a payment takes the region of
-- the person on the roster of its benefit month; failing that, the person's
-- nearest roster month; failing that, the household's nearest roster month.
-- A payment matching none keeps region_code null (a warn-level test lists
-- them) and cannot count towards any region. On time = paid on or before day
-- var('payment_due_day') of the benefit month; paying ahead of the month is on
-- time too.
-- Built from the payments on their month's roster, summed by month
-- (int_benefit_payment_listed), and the few others
-- (int_benefit_payment_unlisted), placed by the nearest roster month, which
-- may be any month. Incremental: the changed months and every month holding
-- an unlisted payment are rebuilt (as fct_benefit_period does). Small (a row
-- per month, region and category): no index; analyzed only when updated in
-- place, as the table it was before.
{%- set also = benefit_months_placed_elsewhere() %}
with listed as (
    select * from {{ ref('int_benefit_payment_listed') }}
    where {{ in_changed_months('month_start', also) }}
),

unlisted as (
    select * from {{ ref('int_benefit_payment_unlisted') }}
    where {{ in_changed_months('benefit_month', also) }}
),

roster as not materialized (
    -- read twice, only when some payment is unlisted
    select stat_month, id_number, household_id, region_code
    from {{ ref('fct_basic_living_person_month') }}
),

unmatched as (
    select distinct benefit_month, id_number, household_id
    from unlisted
),

by_person as (
    select distinct on (unmatched.benefit_month, unmatched.id_number)
        unmatched.benefit_month,
        unmatched.id_number,
        roster.region_code
    from unmatched
    inner join roster on roster.id_number = unmatched.id_number
    order by unmatched.benefit_month, unmatched.id_number, abs(roster.stat_month - unmatched.benefit_month), roster.stat_month desc
),

by_household as (
    select distinct on (unmatched.benefit_month, unmatched.household_id)
        unmatched.benefit_month,
        unmatched.household_id,
        roster.region_code
    from unmatched
    inner join roster on roster.household_id = unmatched.household_id
    order by unmatched.benefit_month, unmatched.household_id, abs(roster.stat_month - unmatched.benefit_month), roster.stat_month desc, roster.region_code
),

placed as (
    select
        unlisted.benefit_month as month_start,
        coalesce(by_person.region_code, by_household.region_code) as region_code,
        unlisted.category,
        count(*) as payments,
        count(*) filter (where unlisted.is_paid_on_time) as payments_on_time,
        sum(unlisted.amount_yuan) as amount_paid_yuan,
        coalesce(sum(unlisted.amount_yuan) filter (where unlisted.is_paid_on_time), 0) as amount_paid_on_time_yuan
    from unlisted
    left join by_person
        on by_person.benefit_month = unlisted.benefit_month
        and by_person.id_number = unlisted.id_number
    left join by_household
        on by_household.benefit_month = unlisted.benefit_month
        and by_household.household_id = unlisted.household_id
    group by 1, 2, 3
),

sums as (
    select month_start, region_code, category, payments, payments_on_time, amount_paid_yuan, amount_paid_on_time_yuan
    from listed
    union all
    select month_start, region_code, category, payments, payments_on_time, amount_paid_yuan, amount_paid_on_time_yuan
    from placed
),

final as (
    select
        concat_ws(':', month_start, coalesce(region_code, '-'), category) as payment_month_key,
        month_start,
        region_code,
        category,
        sum(payments)::bigint as payments,
        sum(payments_on_time)::bigint as payments_on_time,
        sum(amount_paid_yuan) as amount_paid_yuan,
        sum(amount_paid_on_time_yuan) as amount_paid_on_time_yuan
    from sums
    group by month_start, region_code, category
)

select * from final
