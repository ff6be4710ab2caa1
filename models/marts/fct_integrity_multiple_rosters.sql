{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook="{{ delete_changed_months('month_start') }}", indexes=[{'columns': ['month_start']}]) }}
-- Persons on two rosters at once in a month (domain.md, "one listing per
-- person per month"): listed more than once on the dibao/tekun roster of one
-- month, in two categories (dibao and tekun, or urban and rural) or in two
-- regions. The duplicate is one finding per person and month, placed in the
-- region of the listing that counts (int_basic_living_listing: tekun first,
-- then the earliest 纳入日期, then the lowest region code); the evidence names
-- that listing and every other one. Identical rows of one export are one
-- listing, not a finding. A month's findings read that month's listings only
-- (incremental: the changed months are rebuilt).
with listings as not materialized (
    -- large: only the person-months listed more than once are read below
    select * from {{ ref('int_basic_living_listing') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

entries as (
    select
        listings.*,
        coalesce(regions.region_name, listings.region_code) as region_name,
        coalesce(regions.county_code, listings.region_code) as county_code
    from listings
    left join regions on regions.region_code = listings.region_code
    where listings.listings > 1 and {{ in_changed_months('listings.stat_month') }}
),

person_months as (
    select
        stat_month,
        id_number,
        count(*) as entry_count,
        count(distinct programme) > 1 as is_dibao_and_tekun,
        count(distinct county_code) > 1 as is_in_two_counties,
        count(distinct region_code) > 1 as is_in_two_regions,
        count(distinct county_code) as county_count,
        count(distinct region_code) as region_count,
        count(distinct category) > 1 as is_in_two_categories,
        string_agg(distinct category collate "C", '、' order by category collate "C") as categories,
        string_agg(region_code, '、' order by listing_rank) as region_codes,
        string_agg(
            format('%s %s（%s）纳入日期 %s 月救助金额 %s 元', category, region_name, region_code, enrolled_on, monthly_benefit_yuan),
            '；' order by listing_rank
        ) filter (where listing_rank > 1) as other_listings_text,
        sum(monthly_benefit_yuan) as benefit_total_yuan
    from entries
    group by stat_month, id_number
),

final as (
    select
        'multiple_rosters:' || counted.stat_month || ':' || counted.id_number as finding_id,
        counted.stat_month as month_start,
        counted.id_number,
        counted.person_name,
        counted.region_code,
        counted.county_code,
        counted.category,
        counted.monthly_benefit_yuan as counted_benefit_yuan,
        person_months.is_dibao_and_tekun,
        person_months.is_in_two_counties,
        person_months.is_in_two_regions,
        person_months.is_in_two_categories,
        person_months.entry_count,
        person_months.county_count,
        person_months.categories,
        person_months.region_codes,
        person_months.benefit_total_yuan,
        format(
            '%s同时在册 %s 处（%s）：计入 %s %s（%s）纳入日期 %s 月救助金额 %s 元；另有 %s',
            to_char(counted.stat_month, 'YYYY"年"FMMM"月"'),
            person_months.entry_count,
            concat_ws('，',
                case when person_months.is_dibao_and_tekun then '既享受低保又享受特困'
                     when person_months.is_in_two_categories then '城乡类别不同' end,
                case when person_months.is_in_two_counties then format('跨 %s 个区县', person_months.county_count)
                     when person_months.is_in_two_regions then format('同一区县 %s 个区划', person_months.region_count) end
            ),
            counted.category, counted.region_name, counted.region_code, counted.enrolled_on, counted.monthly_benefit_yuan,
            person_months.other_listings_text
        ) as evidence
    from entries as counted
    inner join person_months
        on person_months.stat_month = counted.stat_month
        and person_months.id_number = counted.id_number
    -- two rows of one category and region that differ only in care or amount
    -- are one listing with a typo, not two rosters
    where counted.is_counted
        and (person_months.is_in_two_categories or person_months.is_in_two_regions)
)

select * from final
