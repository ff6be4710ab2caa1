-- Persons on two rosters at once in a month: on the dibao AND the tekun roster,
-- or on the dibao/tekun roster in two different counties. Read from the
-- roster as exported (fct_basic_living_person_month keeps one row per person).
-- One finding per person, month and county involved, so each county sees the
-- case it has to clear; the same listing twice within one county and one
-- programme (e.g. two villages of one county, both dibao) is not a finding.
with roster as not materialized (
    -- large and used twice: `not materialized` lets PostgreSQL scan it again
    -- instead of copying every row first
    select * from {{ ref('stg_raw__basic_living_roster') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

listed_more_than_once as (
    -- a cheap hashed pass first: only these person-months can be findings
    select stat_month, id_number
    from roster
    group by stat_month, id_number
    having count(*) > 1
),

entries as (
    -- identical rows of one export count once
    select distinct
        roster.stat_month,
        roster.id_number,
        roster.person_name,
        roster.region_code,
        regions.region_name,
        coalesce(regions.county_code, roster.region_code) as county_code,
        roster.category,
        roster.programme,
        roster.monthly_benefit_yuan
    from roster
    inner join listed_more_than_once
        on listed_more_than_once.stat_month = roster.stat_month
        and listed_more_than_once.id_number = roster.id_number
    left join regions on regions.region_code = roster.region_code
),

person_months as (
    select
        stat_month,
        id_number,
        count(*) as entry_count,
        count(distinct programme) > 1 as is_dibao_and_tekun,
        count(distinct county_code) > 1 as is_in_two_counties,
        count(distinct county_code) as county_count,
        string_agg(distinct category collate "C", '、' order by category collate "C") as categories,
        string_agg(region_code, '、' order by region_code, category collate "C") as region_codes,
        string_agg(
            format('%s %s（%s）月救助金额 %s 元', category, region_name, region_code, monthly_benefit_yuan),
            '；' order by region_code, category collate "C"
        ) as entries_text,
        sum(monthly_benefit_yuan) as benefit_total_yuan
    from entries
    group by stat_month, id_number
    having count(distinct programme) > 1 or count(distinct county_code) > 1
),

by_county as (
    select
        entries.stat_month,
        entries.id_number,
        entries.county_code,
        min(entries.person_name) as person_name,
        -- the entry the deduplicated roster keeps: tekun first, then the lowest code
        (array_agg(entries.region_code order by entries.programme desc, entries.region_code))[1] as region_code,
        string_agg(distinct entries.category collate "C", '、' order by entries.category collate "C") as county_categories,
        sum(entries.monthly_benefit_yuan) as county_benefit_yuan
    from entries
    inner join person_months
        on person_months.stat_month = entries.stat_month
        and person_months.id_number = entries.id_number
    group by entries.stat_month, entries.id_number, entries.county_code
),

final as (
    select
        'multiple_rosters:' || by_county.stat_month || ':' || by_county.id_number || ':' || by_county.county_code as finding_id,
        by_county.stat_month as month_start,
        by_county.id_number,
        by_county.person_name,
        by_county.region_code,
        by_county.county_code,
        person_months.is_dibao_and_tekun,
        person_months.is_in_two_counties,
        person_months.entry_count,
        person_months.county_count,
        person_months.categories,
        person_months.region_codes,
        by_county.county_categories,
        by_county.county_benefit_yuan,
        person_months.benefit_total_yuan,
        format(
            '%s同时在册 %s 处（%s）：%s',
            to_char(by_county.stat_month, 'YYYY"年"FMMM"月"'),
            person_months.entry_count,
            concat_ws('，',
                case when person_months.is_dibao_and_tekun then '既享受低保又享受特困' end,
                case when person_months.is_in_two_counties then format('跨 %s 个区县', person_months.county_count) end
            ),
            person_months.entries_text
        ) as evidence
    from by_county
    inner join person_months
        on person_months.stat_month = by_county.stat_month
        and person_months.id_number = by_county.id_number
)

select * from final
