{{ config(indexes=[{'columns': ['check_code', 'month_start']}, {'columns': ['region_code']}]) }}
-- Every integrity finding of the seven checks, with common columns and the
-- region's city, county and township. A finding whose person could not be
-- placed in a known region keeps its row: it is attributed to the city
-- (region_code = the city's code, county and township unknown), so city-wide
-- users see it and county users do not.
with paid_after_death as (
    select finding_id, 'paid_after_death' as check_code, month_start, region_code, id_number, person_name, amount_yuan, evidence
    from {{ ref('fct_integrity_paid_after_death') }}
),

multiple_rosters as (
    select finding_id, 'multiple_rosters' as check_code, month_start, region_code, id_number, person_name, null::numeric as amount_yuan, evidence
    from {{ ref('fct_integrity_multiple_rosters') }}
),

roster_payment_mismatch as (
    select finding_id, mismatch_type as check_code, month_start, region_code, id_number, person_name, amount_yuan, evidence
    from {{ ref('fct_integrity_roster_payment_mismatch') }}
),

benefit_above_standard as (
    select finding_id, 'benefit_above_standard' as check_code, month_start, region_code, id_number, person_name, excess_yuan as amount_yuan, evidence
    from {{ ref('fct_integrity_benefit_above_standard') }}
),

late_decision as (
    select finding_id, finding_type as check_code, month_start, region_code, id_number, person_name, null::numeric as amount_yuan, evidence
    from {{ ref('fct_integrity_late_decision') }}
),

late_payment as (
    select finding_id, 'late_payment' as check_code, month_start, region_code, id_number, person_name, amount_yuan, evidence
    from {{ ref('fct_integrity_late_payment') }}
),

cadre_relatives as (
    -- no amount: a relative of two cadres is two findings of one benefit
    select finding_id, 'cadre_relative_unfiled' as check_code, month_start, region_code, id_number, person_name, null::numeric as amount_yuan, evidence
    from {{ ref('fct_integrity_cadre_relatives') }}
),

findings as (
    select * from paid_after_death
    union all
    select * from multiple_rosters
    union all
    select * from roster_payment_mismatch
    union all
    select * from benefit_above_standard
    union all
    select * from late_decision
    union all
    select * from late_payment
    union all
    select * from cadre_relatives
),

checks (check_code, check_title, check_order) as (
    values
        ('paid_after_death', '死亡后仍发放救助金', 1),
        ('multiple_rosters', '重复在册（同月在两类名单或两个区划登记）', 2),
        ('roster_without_payment', '在册未发放', 3),
        ('payment_without_roster', '发放对象不在当月名单', 4),
        ('benefit_above_standard', '救助金额高于标准', 5),
        ('late_decision', '审核确认超时', 6),
        ('pending_overdue', '超期未办结', 7),
        ('late_payment', '救助金未按时发放', 8),
        ('cadre_relative_unfiled', '干部近亲属未备案', 9)
),

regions as (
    select * from {{ ref('dim_region') }}
),

city as (
    select region_code, region_name
    from regions
    where region_level = 'city'
    order by region_code
    limit 1
),

final as (
    select
        findings.finding_id,
        findings.check_code,
        checks.check_title,
        checks.check_order,
        findings.month_start,
        coalesce(regions.region_code, city.region_code) as region_code,
        coalesce(regions.region_name, city.region_name) as region_name,
        regions.region_code is not null as is_region_known,
        coalesce(regions.city_code, city.region_code) as city_code,
        coalesce(regions.city_name, city.region_name) as city_name,
        regions.county_code,
        coalesce(regions.county_name, '区县不详') as county_name,
        regions.township_code,
        coalesce(regions.township_name, '乡镇（街道）不详') as township_name,
        findings.id_number,
        findings.person_name,
        findings.amount_yuan,
        findings.evidence
    from findings
    left join checks on checks.check_code = findings.check_code
    left join regions on regions.region_code = findings.region_code
    left join city on true
)

select * from final
