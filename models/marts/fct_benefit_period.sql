{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Benefits paid and the persons they are paid for: one row per region (city,
-- county, township), grain (month, quarter, year), period and roster category.
-- Flows sum over the period's months the payments of those benefit months
-- (int_benefit_payment_month: 发放金额 by 所属月份, in the payment's own
-- category, in the region of the person's listing that counts) and the
-- person-months on the dibao/tekun roster (fct_basic_living_person_month).
-- Snapshot columns (roster_*) hold the period's last month with data: the
-- persons on the roster and the sum of their 月救助金额, each person once by the
-- listing that counts — domain.md's average monthly dibao benefit is
-- roster_benefit_yuan ÷ roster_persons of the dibao categories.
with periods as (
    select * from {{ ref('int_period_months') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

payments as (
    select * from {{ ref('int_benefit_payment_month') }}
    where region_code is not null
),

roster as (
    select * from {{ ref('fct_basic_living_person_month') }}
),

village_person_months as (
    select
        stat_month as month_start,
        region_code,
        category,
        count(*) as person_months,
        sum(monthly_benefit_yuan) as roster_benefit_yuan
    from roster
    group by stat_month, region_code, category
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
        coalesce(village_person_months.roster_benefit_yuan, 0) as roster_benefit_yuan
    from payments
    full join village_person_months
        on village_person_months.month_start = payments.month_start
        and village_person_months.region_code = payments.region_code
        and village_person_months.category = payments.category
),

monthly as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.category,
        sum(village_monthly.payments) as payments,
        sum(village_monthly.payments_on_time) as payments_on_time,
        sum(village_monthly.amount_paid_yuan) as amount_paid_yuan,
        sum(village_monthly.amount_paid_on_time_yuan) as amount_paid_on_time_yuan,
        sum(village_monthly.person_months) as person_months,
        sum(village_monthly.roster_benefit_yuan) as roster_benefit_yuan
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3
),

rolled_up as (
    select
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.region_code,
        monthly.category,
        sum(monthly.payments) as payments,
        sum(monthly.payments_on_time) as payments_on_time,
        sum(monthly.amount_paid_yuan) as amount_paid_yuan,
        sum(monthly.amount_paid_on_time_yuan) as amount_paid_on_time_yuan,
        sum(monthly.person_months) as person_months,
        coalesce(sum(monthly.person_months) filter (where monthly.month_start = periods.snapshot_month), 0) as roster_persons,
        coalesce(sum(monthly.roster_benefit_yuan) filter (where monthly.month_start = periods.snapshot_month), 0) as roster_benefit_yuan
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code, rolled_up.category) as period_region_key,
        rolled_up.period_grain,
        rolled_up.period_start,
        rolled_up.snapshot_month,
        rolled_up.months_covered,
        regions.region_code,
        regions.ancestor_name as region_name,
        regions.ancestor_level as region_level,
        regions.ancestor_city_code as city_code,
        regions.ancestor_city_name as city_name,
        regions.ancestor_county_code as county_code,
        regions.ancestor_county_name as county_name,
        regions.ancestor_township_code as township_code,
        regions.ancestor_township_name as township_name,
        case when rolled_up.category in ('城市低保', '农村低保') then 'dibao' else 'tekun' end as programme,
        case when rolled_up.category in ('城市低保', '农村低保') then '低保' else '特困' end as programme_name,
        case when rolled_up.category in ('城市低保', '城市特困') then 'urban' else 'rural' end as urban_rural,
        case when rolled_up.category in ('城市低保', '城市特困') then '城市' else '农村' end as urban_rural_name,
        rolled_up.category,
        rolled_up.payments,
        rolled_up.payments_on_time,
        rolled_up.amount_paid_yuan,
        rolled_up.amount_paid_on_time_yuan,
        rolled_up.person_months,
        rolled_up.roster_persons,
        rolled_up.roster_benefit_yuan
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
