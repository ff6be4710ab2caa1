{{ config(materialized='incremental', incremental_strategy='append',
    pre_hook=["{{ delete_changed_months('benefit_month') }}", "{{ serial_in_place() }}"],
    post_hook=["{{ end_serial_in_place() }}", "{{ analyze_sampled() }}"],
    indexes=[{'columns': ['benefit_month']}]) }}
-- Benefit payments (kind 5) whose person is not on the roster of their benefit
-- month, one row per payment: few, placed by int_benefit_payment_month on the
-- nearest roster month of any month. Whether a payment is listed reads its
-- month's payments and roster only: incremental, the changed months are rebuilt.
with payments as (
    select * from {{ ref('stg_raw__benefit_payments') }}
    where {{ in_changed_months('benefit_month') }}
),

roster as (
    select stat_month, id_number
    from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

final as (
    select
        payments.benefit_month,
        payments.id_number,
        payments.household_id,
        payments.category,
        payments.amount_yuan,
        payments.paid_on <= {{ payment_due_on('payments.benefit_month') }} as is_paid_on_time
    from payments
    where not exists (
        select 1
        from roster
        where roster.stat_month = payments.benefit_month
            and roster.id_number = payments.id_number
    )
)

select * from final
