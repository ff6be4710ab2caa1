{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook=["{{ delete_changed_rows('month_start', 'id_number') }}", "{{ relocate_findings('month_start', ['person_name', 'region_code']) }}"],
    indexes=[{'columns': ['month_start']}]) }}
-- Monthly benefit payments paid after the due day (var payment_due_day) of the
-- month they belong to. Paying on the due day, or before the month starts, is
-- in time. Payments carry no region: the person is placed by the roster of the
-- benefit month, else the closest month they were listed.
-- Incremental: a benefit month's findings depend on that month's payments and
-- listings only, except the place of a finding without a listing of its own
-- month, which relocate_findings recomputes for the unchanged months. A
-- payment's finding reads only its person's payments and listings, so a load
-- naming its persons (a correction) rebuilds theirs only.
with payments as (
    select * from {{ ref('stg_raw__benefit_payments') }}
    where {{ in_changed_rows('benefit_month', 'id_number') }}
),

-- the person's listing that counts in each month (one per person and month)
roster as (
    select * from {{ ref('int_basic_living_listing') }}
    where is_counted and {{ in_changed_rows('stat_month', 'id_number') }}
),

locations as (
    select * from {{ ref('int_integrity_person_locations') }}
),

late as (
    select
        payment_batch || '#' || source_file || '#' || source_row as payment_key,
        payments.*,
        {{ payment_due_on('benefit_month') }} as due_on
    from payments
    where paid_on > {{ payment_due_on('benefit_month') }}
),

in_month as (
    -- most are placed by the benefit month's roster, each late payment looked
    -- up by its index (a few hundred against the month's whole roster; `offset
    -- 0` keeps the lookup a subquery the planner cannot turn into a hash join)
    select
        late.payment_key,
        listing.person_name,
        listing.region_code
    from late
    inner join lateral (
        select roster.person_name, roster.region_code
        from roster
        where roster.stat_month = late.benefit_month
            and roster.id_number = late.id_number
        offset 0
    ) as listing on true
),

elsewhere as (
    -- the rest by the closest month on either roster, earlier months first
    select distinct on (late.payment_key)
        late.payment_key,
        locations.person_name,
        locations.region_code
    from late
    inner join locations on locations.id_number = late.id_number
    where not exists (select 1 from in_month where in_month.payment_key = late.payment_key)
    order by
        late.payment_key,
        {{ nearest_listing_order('late.benefit_month') }}
),

located as (
    select
        late.*,
        coalesce(in_month.person_name, elsewhere.person_name) as person_name,
        coalesce(in_month.region_code, elsewhere.region_code) as region_code
    from late
    left join in_month on in_month.payment_key = late.payment_key
    left join elsewhere on elsewhere.payment_key = late.payment_key
),

final as (
    select
        'late_payment:' || payment_key as finding_id,
        benefit_month as month_start,
        id_number,
        person_name,
        region_code,
        payment_batch,
        category,
        programme,
        amount_yuan,
        due_on,
        paid_on,
        paid_on - due_on as days_late,
        payment_method,
        format(
            '%s%s %s 元于 %s 发放（批次 %s），晚于应发放日 %s，迟 %s 天',
            to_char(benefit_month, 'YYYY"年"FMMM"月"'),
            category,
            amount_yuan,
            to_char(paid_on, 'YYYY-MM-DD'),
            payment_batch,
            to_char(due_on, 'YYYY-MM-DD'),
            paid_on - due_on
        ) as evidence
    from located
)

select * from final
