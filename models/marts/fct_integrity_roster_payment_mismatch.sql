{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook=["{{ delete_changed_months('month_start') }}", "{{ relocate_findings('month_start', ['person_name', 'region_code']) }}"],
    indexes=[{'columns': ['month_start']}]) }}
-- Roster and payments disagree: a person on the dibao/tekun roster of a month
-- without any payment for that month, or a payment for a month without the
-- person on that month's roster. Only months with both a roster and payments
-- loaded are checked: a month whose payments were not exported has no
-- findings. Payments carry no region: a payment without the roster is placed
-- by the closest month the person was listed.
-- Incremental: a month's findings depend on that month's roster and payments
-- only, except the place of a payment without a listing of its own month,
-- which relocate_findings recomputes for the unchanged months.
with roster as (
    select * from {{ ref('stg_raw__basic_living_roster') }}
    where {{ in_changed_months('stat_month') }}
),

-- One row per person and month, in the region the deduplicated roster keeps.
-- This and payments are large and used twice (probed for the checked months,
-- then joined): `not materialized` lets PostgreSQL read them again instead of
-- copying every row first.
roster_persons as not materialized (
    select * from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

payments as not materialized (
    select * from {{ ref('stg_raw__benefit_payments') }}
    where {{ in_changed_months('benefit_month') }}
),

locations as (
    select * from {{ ref('int_integrity_person_locations') }}
),

checked_months as (
    -- every roster month is in dim_month; each month checked by one index probe
    -- per side (scalar subqueries: an exists would become a join reading all
    -- the month's payments and persons)
    select months.month_start
    from {{ ref('dim_month') }} as months
    where {{ in_changed_months('months.month_start') }}
        and (select true from payments where payments.benefit_month = months.month_start limit 1)
        and (select true from roster_persons where roster_persons.stat_month = months.month_start limit 1)
),

mismatched as materialized (
    -- the months' persons and payments in one hashed full join, keeping the
    -- unmatched of either side (few: materialized for the two findings below)
    select
        roster_persons.stat_month,
        roster_persons.id_number as roster_id_number,
        roster_persons.region_code as roster_region_code,
        roster_persons.category as roster_category,
        payments.payment_batch,
        payments.benefit_month,
        payments.household_id,
        payments.id_number,
        payments.category,
        payments.programme,
        payments.amount_yuan,
        payments.paid_on,
        payments.payment_method,
        payments.source_file,
        payments.source_row
    from roster_persons
    full join payments
        on payments.benefit_month = roster_persons.stat_month
        and payments.id_number = roster_persons.id_number
    where roster_persons.id_number is null or payments.source_row is null
),

unpaid as (
    -- persons on the roster without a payment for the month
    select
        mismatched.stat_month,
        mismatched.roster_id_number as id_number,
        mismatched.roster_region_code as region_code,
        mismatched.roster_category as category
    from mismatched
    inner join checked_months on checked_months.month_start = mismatched.stat_month
    where mismatched.roster_id_number is not null
),

unpaid_entries as (
    -- the person's name and benefits over all their entries of the month
    select
        unpaid.stat_month,
        unpaid.id_number,
        min(roster.person_name) as person_name,
        sum(roster.monthly_benefit_yuan) as roster_benefit_yuan
    from unpaid
    inner join (select distinct stat_month, id_number, person_name, region_code, category, monthly_benefit_yuan from roster) as roster
        on roster.stat_month = unpaid.stat_month
        and roster.id_number = unpaid.id_number
    group by unpaid.stat_month, unpaid.id_number
),

roster_without_payment as (
    select
        'roster_without_payment:' || unpaid.stat_month || ':' || unpaid.id_number as finding_id,
        'roster_without_payment' as mismatch_type,
        unpaid.stat_month as month_start,
        unpaid.id_number,
        unpaid_entries.person_name,
        unpaid.region_code,
        unpaid.category,
        unpaid_entries.roster_benefit_yuan,
        null::text as payment_batch,
        unpaid_entries.roster_benefit_yuan as amount_yuan,
        null::date as paid_on,
        format(
            '%s在册（%s，月救助金额 %s 元），当月发放明细中没有此人',
            to_char(unpaid.stat_month, 'YYYY"年"FMMM"月"'),
            unpaid.category,
            unpaid_entries.roster_benefit_yuan
        ) as evidence
    from unpaid
    inner join unpaid_entries
        on unpaid_entries.stat_month = unpaid.stat_month
        and unpaid_entries.id_number = unpaid.id_number
),

unlisted_payments as (
    -- payments without the person on the month's roster
    select
        mismatched.payment_batch || '#' || mismatched.source_file || '#' || mismatched.source_row as payment_key,
        mismatched.payment_batch,
        mismatched.benefit_month,
        mismatched.household_id,
        mismatched.id_number,
        mismatched.category,
        mismatched.programme,
        mismatched.amount_yuan,
        mismatched.paid_on,
        mismatched.payment_method,
        mismatched.source_file,
        mismatched.source_row
    from mismatched
    inner join checked_months on checked_months.month_start = mismatched.benefit_month
    where mismatched.roster_id_number is null
),

unlisted_located as (
    -- the closest earlier month the person was listed, else the closest later one
    {{ nearest_listing('unlisted_payments', 'payment_key', 'benefit_month', ['person_name', 'region_code']) }}
),

payment_without_roster as (
    select
        'payment_without_roster:' || payment_key as finding_id,
        'payment_without_roster' as mismatch_type,
        benefit_month as month_start,
        id_number,
        person_name,
        region_code,
        category,
        null::numeric as roster_benefit_yuan,
        payment_batch,
        amount_yuan,
        paid_on,
        format(
            '发放 %s%s %s 元（批次 %s，%s 发放），此人不在当月低保特困在册名单中',
            to_char(benefit_month, 'YYYY"年"FMMM"月"'),
            category,
            amount_yuan,
            payment_batch,
            to_char(paid_on, 'YYYY-MM-DD')
        ) as evidence
    from unlisted_located
),

final as (
    select * from roster_without_payment
    union all
    select * from payment_without_roster
)

select * from final
