{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook="{{ delete_changed_rows('month_start', 'id_number') }}", indexes=[{'columns': ['month_start']}]) }}
-- Roster entries whose monthly benefit is above the standard in force: per
-- county and standard type, the row with the latest effective date on or
-- before the month's last day (yearly standards taken per month). Dibao is
-- compared with 城市低保 / 农村低保; tekun with 城市特困 / 农村特困 plus the care
-- subsidy of the person's care level when the county has one in force. A
-- county without a standard in force for the category has no finding.
-- A month's findings read that month's roster and the standards in force then
-- (a changed standard changes its month and every later one): incremental,
-- the changed months are rebuilt. A person's findings read that person's
-- roster rows only (the groups below just narrow the search), so a load that
-- names its changed persons (a correction) rebuilds theirs.
with roster as not materialized (
    -- large and used twice: `not materialized` lets PostgreSQL scan it again
    -- instead of copying every row first
    select * from {{ ref('stg_raw__basic_living_roster') }}
    where {{ in_changed_rows('stat_month', 'id_number') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

months as (
    select * from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

standards as (
    select * from {{ ref('stg_raw__standards') }}
),

groups as (
    -- the roster is large: compare the highest benefit of each month, region,
    -- category and care level first, then go back to the persons of the groups above
    select
        roster.stat_month,
        roster.region_code,
        roster.category,
        roster.programme,
        coalesce(roster.care_level, '') as care_key,
        max(roster.monthly_benefit_yuan) as max_benefit_yuan
    from roster
    group by 1, 2, 3, 4, 5
),

standards_in_force as (
    -- for each month, county and standard type: the latest standard effective by the month's last day
    select distinct on (months.month_start, standards.region_code, standards.standard_type)
        months.month_start,
        standards.region_code as county_code,
        standards.standard_type,
        standards.amount_yuan,
        standards.unit,
        standards.monthly_amount_yuan,
        standards.effective_on
    from months
    inner join standards on standards.effective_on <= months.month_end
    order by months.month_start, standards.region_code, standards.standard_type, standards.effective_on desc
),

group_standards as materialized (
    -- materialized: the few groups above their standard, before the persons are read again
    select
        groups.*,
        coalesce(regions.county_code, groups.region_code) as county_code,
        regions.county_name,
        basic.monthly_amount_yuan as basic_standard_yuan,
        basic.amount_yuan as basic_standard_amount,
        basic.unit as basic_standard_unit,
        basic.effective_on as basic_standard_effective_on,
        care.monthly_amount_yuan as care_subsidy_yuan,
        care.effective_on as care_subsidy_effective_on,
        basic.monthly_amount_yuan + coalesce(care.monthly_amount_yuan, 0) as standard_yuan
    from groups
    left join regions on regions.region_code = groups.region_code
    inner join standards_in_force as basic
        on basic.month_start = groups.stat_month
        and basic.county_code = coalesce(regions.county_code, groups.region_code)
        and basic.standard_type = groups.category
    left join standards_in_force as care
        on groups.programme = 'tekun'
        and care.month_start = groups.stat_month
        and care.county_code = coalesce(regions.county_code, groups.region_code)
        and care.standard_type = groups.care_key
    where groups.max_benefit_yuan > basic.monthly_amount_yuan + coalesce(care.monthly_amount_yuan, 0)
),

above as (
    -- one finding per person, month, category and region (the highest benefit if listed twice)
    select distinct on (roster.stat_month, roster.id_number, roster.category, roster.region_code)
        roster.stat_month,
        roster.id_number,
        roster.person_name,
        roster.region_code,
        roster.category,
        roster.programme,
        roster.care_level,
        roster.monthly_benefit_yuan,
        group_standards.county_code,
        group_standards.county_name,
        group_standards.basic_standard_yuan,
        group_standards.basic_standard_amount,
        group_standards.basic_standard_unit,
        group_standards.basic_standard_effective_on,
        group_standards.care_subsidy_yuan,
        group_standards.care_subsidy_effective_on,
        group_standards.standard_yuan
    from roster
    inner join group_standards
        on group_standards.stat_month = roster.stat_month
        and group_standards.region_code = roster.region_code
        and group_standards.category = roster.category
        and group_standards.care_key = coalesce(roster.care_level, '')
    where roster.monthly_benefit_yuan > group_standards.standard_yuan
    order by roster.stat_month, roster.id_number, roster.category, roster.region_code, roster.monthly_benefit_yuan desc
),

final as (
    select
        'benefit_above_standard:' || stat_month || ':' || id_number || ':' || category || ':' || region_code as finding_id,
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        county_code,
        category,
        programme,
        care_level,
        monthly_benefit_yuan,
        basic_standard_yuan,
        basic_standard_amount,
        basic_standard_unit,
        basic_standard_effective_on,
        care_subsidy_yuan,
        care_subsidy_effective_on,
        standard_yuan,
        monthly_benefit_yuan - standard_yuan as excess_yuan,
        format(
            '%s%s月救助金额 %s 元，高于标准 %s 元（%s%s %s %s，%s 起执行%s%s），超出 %s 元',
            to_char(stat_month, 'YYYY"年"FMMM"月"'),
            category,
            monthly_benefit_yuan,
            standard_yuan,
            coalesce(county_name, county_code),
            category,
            basic_standard_amount,
            basic_standard_unit,
            to_char(basic_standard_effective_on, 'YYYY-MM-DD'),
            case when basic_standard_unit = '元/人·年' then format('，折合每月 %s 元', basic_standard_yuan) else '' end,
            case when care_subsidy_yuan is not null then format('；%s补贴 %s 元/人·月', care_level, care_subsidy_yuan) else '' end,
            monthly_benefit_yuan - standard_yuan
        ) as evidence
    from above
)

select * from final
