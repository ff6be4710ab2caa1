-- Benefit payments (kind 5) by benefit month (所属月份), region and roster
-- category. The export carries no region code: a payment takes the region of
-- the person on the roster of its benefit month; failing that, the person's
-- nearest roster month; failing that, the household's nearest roster month.
-- A payment matching none keeps region_code null (a warn-level test lists
-- them) and cannot count towards any region. On time = paid on or before day
-- var('payment_due_day') of the benefit month; paying ahead of the month is on
-- time too.
with payments as (
    select * from {{ ref('stg_raw__benefit_payments') }}
),

roster as (
    select stat_month, id_number, household_id, region_code
    from {{ ref('fct_basic_living_person_month') }}
),

located as (
    select
        payments.benefit_month,
        payments.id_number,
        payments.household_id,
        payments.category,
        payments.amount_yuan,
        payments.paid_on <= payments.benefit_month + ({{ var('payment_due_day', 10) }} - 1) as is_paid_on_time,
        roster.region_code
    from payments
    left join roster
        on roster.stat_month = payments.benefit_month
        and roster.id_number = payments.id_number
),

unmatched as (
    select distinct benefit_month, id_number, household_id
    from located
    where region_code is null
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

-- only the few payments without a roster row of their month take the
-- fallbacks, so the big join above stays a single pass
attributed as (
    select benefit_month, region_code, category, amount_yuan, is_paid_on_time
    from located
    where region_code is not null
    union all
    select
        located.benefit_month,
        coalesce(by_person.region_code, by_household.region_code) as region_code,
        located.category,
        located.amount_yuan,
        located.is_paid_on_time
    from located
    left join by_person
        on by_person.benefit_month = located.benefit_month
        and by_person.id_number = located.id_number
    left join by_household
        on by_household.benefit_month = located.benefit_month
        and by_household.household_id = located.household_id
    where located.region_code is null
),

final as (
    select
        concat_ws(':', benefit_month, coalesce(region_code, '-'), category) as payment_month_key,
        benefit_month as month_start,
        region_code,
        category,
        count(*) as payments,
        count(*) filter (where is_paid_on_time) as payments_on_time,
        sum(amount_yuan) as amount_paid_yuan,
        coalesce(sum(amount_yuan) filter (where is_paid_on_time), 0) as amount_paid_on_time_yuan
    from attributed
    group by benefit_month, region_code, category
)

select * from final
