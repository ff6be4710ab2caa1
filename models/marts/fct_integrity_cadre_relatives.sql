{{ config(materialized='incremental', incremental_strategy='append', post_hook='{{ analyze_sampled() }}',
    pre_hook="{{ delete_changed_months('month_start') }}", indexes=[{'columns': ['month_start', 'id_number']}]) }}
-- Close relatives of cadres on the dibao/tekun roster without a filing: for
-- each month, the register list in force (the latest dated on or before the
-- month's last day, as for the alleviated snapshots) is matched with the
-- month's roster; a relative with no filing dated on or before the month's
-- last day is a finding. One finding per month, relative and cadre, so each
-- cadre's case is cleared on its own; its id is built from those keys alone,
-- so the same case keeps its id when a newer list or roster is loaded.
-- Incremental: a month's findings read that month's roster and the list in
-- force then (a changed list changes its month and every later one): the
-- changed months are rebuilt.
with months as (
    select * from {{ ref('dim_month') }}
    where {{ in_changed_months('month_start') }}
),

register as (
    select * from {{ ref('stg_raw__cadre_relatives') }}
),

list_dates as (
    select distinct list_on from register
),

list_in_force as (
    select
        months.month_start,
        months.month_end,
        max(list_dates.list_on) as list_on
    from months
    inner join list_dates on list_dates.list_on <= months.month_end
    group by months.month_start, months.month_end
),

pairs as (
    -- a pair exported twice in one list counts once, with its earliest filing
    select distinct on (list_on, cadre_id_number, relative_id_number) *
    from register
    where list_on in (select list_on from list_in_force)
    order by list_on, cadre_id_number, relative_id_number, filed_on nulls last, source_file, source_row
),

unfiled as (
    -- a filing after the month's end cannot sit in a list dated by then (the
    -- load rejects filings later than the list's date); the test stays the
    -- rule's own words so that it holds whatever the list in force
    select
        list_in_force.month_start,
        list_in_force.month_end,
        pairs.*
    from list_in_force
    inner join pairs on pairs.list_on = list_in_force.list_on
    where pairs.filed_on is null or pairs.filed_on > list_in_force.month_end
),

listed as (
    -- the recipient's listing that counts (one per person and month)
    select stat_month, id_number, region_code, category, monthly_benefit_yuan
    from {{ ref('fct_basic_living_person_month') }}
    where {{ in_changed_months('stat_month') }}
),

roster as (
    select stat_month, id_number, region_code, category, person_name
    from {{ ref('stg_raw__basic_living_roster') }}
    where {{ in_changed_months('stat_month') }}
),

found as (
    select
        unfiled.*,
        listed.region_code,
        listed.category,
        listed.monthly_benefit_yuan
    from unfiled
    inner join listed
        on listed.stat_month = unfiled.month_start
        and listed.id_number = unfiled.relative_id_number
),

named as (
    select distinct on (found.month_start, found.relative_id_number, found.cadre_id_number)
        found.*,
        roster.person_name
    from found
    left join roster
        on roster.stat_month = found.month_start
        and roster.id_number = found.relative_id_number
        and roster.region_code = found.region_code
        and roster.category = found.category
    order by found.month_start, found.relative_id_number, found.cadre_id_number, roster.person_name
),

final as (
    select
        'cadre_relative_unfiled:' || month_start || ':' || relative_id_number || ':' || cadre_id_number as finding_id,
        month_start,
        relative_id_number as id_number,
        coalesce(person_name, relative_name) as person_name,
        region_code,
        category,
        monthly_benefit_yuan,
        relative_name,
        relation,
        cadre_id_number,
        cadre_name,
        work_unit,
        post,
        cadre_region_code,
        left(cadre_region_code, 6) = left(region_code, 6) as is_same_county,
        list_on,
        filed_on,
        filed_on is null as is_never_filed,
        format(
            '%s在册%s，系%s%s%s（干部身份证号 %s，任职区划 %s）的%s；%s（干部近亲属备案名单 %s）',
            to_char(month_start, 'YYYY"年"FMMM"月"'),
            category,
            work_unit,
            post,
            cadre_name,
            cadre_id_number,
            cadre_region_code,
            relation,
            case
                when filed_on is null then '未备案'
                else format('备案日期 %s，晚于当月最后一天 %s', to_char(filed_on, 'YYYY-MM-DD'), to_char(month_end, 'YYYY-MM-DD'))
            end,
            to_char(list_on, 'YYYY-MM-DD')
        ) as evidence
    from named
)

select * from final
