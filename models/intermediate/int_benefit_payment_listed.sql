{{ config(materialized='incremental', incremental_strategy='append',
    pre_hook=["{{ delete_changed_months('month_start') }}", "{{ serial_in_place() }}"],
    post_hook=["{{ end_serial_in_place() }}", "{{ analyze_sampled() }}"],
    indexes=[{'columns': ['month_start']}]) }}
-- Benefit payments (kind 5) whose person is on the roster of their benefit
-- month, summed by benefit month, that listing's region and the payment's
-- category (int_benefit_payment_month adds the payments placed elsewhere). A
-- month's rows read that month's payments and roster only: incremental, the
-- changed months are rebuilt.
with payments as (
    select * from {{ ref('stg_raw__benefit_payments') }}
    where {{ in_changed_months('benefit_month') }}
),

roster as (
    select stat_month, id_number, region_code
    from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

located as (
    select
        payments.benefit_month,
        payments.category,
        payments.amount_yuan,
        payments.paid_on <= {{ payment_due_on('payments.benefit_month') }} as is_paid_on_time,
        roster.region_code
    from payments
    inner join roster
        on roster.stat_month = payments.benefit_month
        and roster.id_number = payments.id_number
),

final as (
    select
        benefit_month as month_start,
        region_code,
        category,
        count(*) as payments,
        count(*) filter (where is_paid_on_time) as payments_on_time,
        sum(amount_yuan) as amount_paid_yuan,
        coalesce(sum(amount_yuan) filter (where is_paid_on_time), 0) as amount_paid_on_time_yuan
    from located
    group by benefit_month, region_code, category
)

select * from final
