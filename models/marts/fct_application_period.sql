{{ config(indexes=[{'columns': ['period_grain', 'region_level', 'period_start']}, {'columns': ['region_code']}]) }}
-- Applications (审核确认) as flows: one row per region (city, county,
-- township), grain (month, quarter, year), period and breakdown (application
-- type, discovery channel, decision), counting the applications decided (办结)
-- in the period and the working days they took. The time limit of domain.md
-- ("decided within 20 working days") covers 低保 and 特困 only: those decided
-- in the period within var('decision_working_days_limit') working days of
-- acceptance (int_application_working_days: official holidays and make-up
-- workdays count) are in time; the share's base adds to the ones decided in
-- the period those still pending (办理中) whose deadline fell in the period,
-- late by definition (pending_past_deadline, by deadline month).
with periods as (
    select * from {{ ref('int_period_months') }}
),

-- every region paired with each city, county and township it counts in
ancestors as (
    select * from {{ ref('int_rollup_ancestors') }}
),

applications as (
    select * from {{ ref('fct_application') }}
),

working_days as (
    select * from {{ ref('int_application_working_days') }}
),

decided as (
    select
        applications.decided_month,
        applications.application_type in ('低保', '特困') as is_time_limited,
        applications.region_code,
        applications.application_type,
        applications.discovery_channel,
        applications.decision,
        applications.is_approved,
        applications.is_proactive,
        working_days.working_days_to_decide
    from applications
    left join working_days on working_days.application_id = applications.application_id
    where applications.decided_on is not null
),

-- 低保/特困 applications still pending, in the month their deadline fell
pending_past_deadline as (
    select
        working_days.deadline_month as month_start,
        applications.region_code,
        applications.application_type,
        applications.discovery_channel,
        applications.decision,
        count(*) as pending_past_deadline
    from applications
    inner join working_days on working_days.application_id = applications.application_id
    where applications.decided_on is null
        and applications.application_type in ('低保', '特困')
        and working_days.deadline_month is not null
    group by 1, 2, 3, 4, 5
),

village_monthly as (
    select
        decided_month as month_start,
        region_code,
        application_type,
        discovery_channel,
        decision,
        count(*) as decided_applications,
        count(*) filter (where is_approved) as approved_applications,
        count(*) filter (where is_approved and is_proactive) as approved_applications_proactive,
        count(*) filter (where is_time_limited) as time_limited_decided,
        count(*) filter (where is_time_limited and working_days_to_decide <= {{ var('decision_working_days_limit', 20) }}) as decided_within_limit,
        count(working_days_to_decide) as decided_with_working_days,
        coalesce(sum(working_days_to_decide), 0) as working_days_to_decide,
        0 as pending_past_deadline
    from decided
    group by 1, 2, 3, 4, 5
    union all
    select month_start, region_code, application_type, discovery_channel, decision,
        0, 0, 0, 0, 0, 0, 0, pending_past_deadline
    from pending_past_deadline
),

monthly as (
    select
        village_monthly.month_start,
        ancestors.ancestor_code as region_code,
        village_monthly.application_type,
        village_monthly.discovery_channel,
        village_monthly.decision,
        sum(village_monthly.decided_applications) as decided_applications,
        sum(village_monthly.approved_applications) as approved_applications,
        sum(village_monthly.approved_applications_proactive) as approved_applications_proactive,
        sum(village_monthly.decided_within_limit) as decided_within_limit,
        sum(village_monthly.decided_with_working_days) as decided_with_working_days,
        sum(village_monthly.working_days_to_decide) as working_days_to_decide,
        sum(village_monthly.time_limited_decided) as time_limited_decided,
        sum(village_monthly.pending_past_deadline) as pending_past_deadline
    from village_monthly
    inner join ancestors on ancestors.region_code = village_monthly.region_code
    group by 1, 2, 3, 4, 5
),

rolled_up as (
    select
        periods.period_grain,
        periods.period_start,
        periods.snapshot_month,
        periods.months_covered,
        monthly.region_code,
        monthly.application_type,
        monthly.discovery_channel,
        monthly.decision,
        sum(monthly.decided_applications) as decided_applications,
        sum(monthly.approved_applications) as approved_applications,
        sum(monthly.approved_applications_proactive) as approved_applications_proactive,
        sum(monthly.decided_within_limit) as decided_within_limit,
        sum(monthly.decided_with_working_days) as decided_with_working_days,
        sum(monthly.working_days_to_decide) as working_days_to_decide,
        sum(monthly.time_limited_decided) as time_limited_decided,
        sum(monthly.pending_past_deadline) as pending_past_deadline
    from periods
    inner join monthly on monthly.month_start = periods.month_start
    group by 1, 2, 3, 4, 5, 6, 7, 8
),

final as (
    select
        concat_ws(':', rolled_up.period_grain, rolled_up.period_start, rolled_up.region_code,
            rolled_up.application_type, rolled_up.discovery_channel, rolled_up.decision) as period_region_key,
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
        rolled_up.application_type,
        rolled_up.discovery_channel,
        rolled_up.decision,
        rolled_up.decided_applications,
        rolled_up.approved_applications,
        rolled_up.approved_applications_proactive,
        rolled_up.decided_within_limit,
        rolled_up.decided_with_working_days,
        rolled_up.working_days_to_decide,
        rolled_up.time_limited_decided,
        rolled_up.pending_past_deadline,
        rolled_up.time_limited_decided + rolled_up.pending_past_deadline as time_limited_applications
    from rolled_up
    -- a region's row paired with itself carries its own name and lineage
    inner join ancestors as regions
        on regions.region_code = rolled_up.region_code
        and regions.distance = 0
)

select * from final
