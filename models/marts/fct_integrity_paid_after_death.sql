{{ config(materialized='incremental', incremental_strategy='append',
    pre_hook=["{{ delete_changed_months('month_start') }}", "{{ relocate_findings('month_start', ['region_code']) }}", "{{ serial_in_place() }}"],
    post_hook=["{{ end_serial_in_place() }}", "{{ analyze_sampled() }}"],
    indexes=[{'columns': ['month_start']}]) }}
-- Benefit payments for a month after the month of the person's recorded death.
-- The death month itself is still due (benefits stop from the next month), so
-- only benefit months starting after the death month are findings, whenever
-- they were paid. Payments carry no region: the person is placed by the
-- roster of the benefit month, else the closest month they were listed.
-- Incremental: a benefit month's findings depend on that month's payments and
-- the deaths (a changed death changes its month and every later one, so all
-- its findings are rebuilt), except the place of a finding without a listing
-- of its own month, which relocate_findings recomputes for the unchanged months.
with payments as (
    select * from {{ ref('stg_raw__benefit_payments') }}
    where {{ in_changed_months('benefit_month') }}
),

deaths as (
    select * from {{ ref('stg_raw__deaths') }}
),

locations as (
    select * from {{ ref('int_integrity_person_locations') }}
),

paid_after_death as (
    select
        payments.payment_batch || '#' || payments.source_file || '#' || payments.source_row as payment_key,
        payments.id_number,
        deaths.person_name,
        deaths.died_on,
        deaths.data_source as death_source,
        date_trunc('month', deaths.died_on)::date as death_month,
        payments.benefit_month,
        payments.payment_batch,
        payments.category,
        payments.programme,
        payments.amount_yuan,
        payments.paid_on,
        payments.paid_on >= deaths.died_on as is_paid_after_death_date
    from payments
    inner join deaths on deaths.id_number = payments.id_number
    where payments.benefit_month > date_trunc('month', deaths.died_on)
),

located as (
    -- the benefit month's roster, else the closest earlier month, else the closest later one
    {{ nearest_listing('paid_after_death', 'payment_key', 'benefit_month', ['region_code']) }}
),

final as (
    select
        'paid_after_death:' || payment_key as finding_id,
        benefit_month as month_start,
        id_number,
        person_name,
        region_code,
        died_on,
        death_source,
        death_month,
        (
            (extract(year from benefit_month) - extract(year from death_month)) * 12
            + extract(month from benefit_month) - extract(month from death_month)
        )::int as months_after_death,
        payment_batch,
        category,
        programme,
        amount_yuan,
        paid_on,
        is_paid_after_death_date,
        format(
            '死亡日期 %s（来源：%s），仍发放 %s%s %s 元（批次 %s，%s 发放）',
            to_char(died_on, 'YYYY-MM-DD'),
            death_source,
            to_char(benefit_month, 'YYYY"年"FMMM"月"'),
            category,
            amount_yuan,
            payment_batch,
            to_char(paid_on, 'YYYY-MM-DD')
        ) as evidence
    from located
)

select * from final
