// Hand-written SQL baselines: the figures of the leadership page computed
// straight from the raw layer (raw.*, as loaded from the exports), the way an
// analyst would write them without the marts, the rollups or the semantic layer.
// One statement per headline indicator, grouped by the city or by county and by
// period (month, quarter or year) over a date range; each returns
// (period_start, group_code, numerator, denominator), the same numerator and
// denominator the gateway returns, so the values can be compared too.
import type pg from 'pg';
import { PROACTIVE_CHANNELS } from '../etl/formats/kinds.ts';
import type { Granularity } from '../dashboard/src/period.ts';

export type GroupLevel = 'city' | 'county';

export interface BaselineIndicator {
  key: 'low_income_coverage_rate' | 'alleviated_dibao_share' | 'temp_relief_per_capita' | 'proactive_discovery_rate';
  /** The gateway members of the same numerator and denominator (indicators view). */
  numerator: string;
  denominator: string;
  sql: string;
}

const LEVEL_NAME: Record<GroupLevel, string> = { city: '市', county: '区县' };

// $1 granularity, $2 first day, $3 last day, $4 level name of the groups.
// Every region belongs to the group above it (or is the group): the region tree.
const TREE = `
with recursive tree as (
    select region_code, region_code as group_code
    from raw.regions
    where level_name = $4::text
    union all
    select child.region_code, tree.group_code
    from raw.regions as child
    inner join tree on child.parent_code = tree.region_code
)`;

const PERIOD = (column: string) => `date_trunc($1::text, ${column}::timestamp)::date`;

/** Coverage: distinct persons on the low-income roster in the period's last month ÷ the group's registered population. */
const COVERAGE = `${TREE},
snapshot_months as (
    select ${PERIOD('stat_month')} as period_start, max(stat_month) as stat_month
    from raw.low_income_roster
    where stat_month between $2::date and $3::date
    group by 1
),
persons as (
    select distinct on (roster.stat_month, roster.id_number) roster.stat_month, roster.region_code
    from raw.low_income_roster as roster
    where roster.stat_month in (select stat_month from snapshot_months)
    order by roster.stat_month, roster.id_number, roster.region_code, roster.category
)
select
    snapshot_months.period_start::text as period_start,
    tree.group_code,
    count(*)::numeric as numerator,
    max(groups.registered_population)::numeric as denominator
from persons
inner join snapshot_months on snapshot_months.stat_month = persons.stat_month
inner join tree on tree.region_code = persons.region_code
inner join raw.regions as groups on groups.region_code = tree.group_code
group by 1, 2`;

/**
 * Alleviated households (人员类型 = 脱贫人口) on the list in force at the period's
 * last month, assisted when a member is on the dibao/tekun roster that month.
 */
const ALLEVIATED = `${TREE},
snapshot_months as (
    select ${PERIOD('stat_month')} as period_start, max(stat_month) as stat_month
    from raw.basic_living_roster
    where stat_month between $2::date and $3::date
    group by 1
),
snapshots as (
    select distinct snapshot_on from raw.alleviated_persons
),
in_force as (
    -- the latest list dated on or before the month's last day
    select snapshot_months.period_start, snapshot_months.stat_month, max(snapshots.snapshot_on) as snapshot_on
    from snapshot_months
    inner join snapshots on snapshots.snapshot_on <= (snapshot_months.stat_month + interval '1 month - 1 day')::date
    group by 1, 2
),
listed as (
    select distinct on (snapshot_on, id_number) snapshot_on, id_number, household_id, region_code
    from raw.alleviated_persons
    where person_type = '脱贫人口' and snapshot_on in (select snapshot_on from in_force)
    order by snapshot_on, id_number, region_code
),
on_roster as (
    select distinct stat_month, id_number
    from raw.basic_living_roster
    where stat_month in (select stat_month from snapshot_months)
),
households as (
    select
        in_force.period_start,
        listed.household_id,
        min(listed.region_code) as region_code,
        bool_or(on_roster.id_number is not null) as assisted
    from in_force
    inner join listed on listed.snapshot_on = in_force.snapshot_on
    left join on_roster on on_roster.stat_month = in_force.stat_month and on_roster.id_number = listed.id_number
    group by 1, 2
)
select
    households.period_start::text as period_start,
    tree.group_code,
    (count(*) filter (where households.assisted))::numeric as numerator,
    count(*)::numeric as denominator
from households
inner join tree on tree.region_code = households.region_code
group by 1, 2`;

/** Temporary relief paid ÷ 人次, by relief date. */
const TEMP_RELIEF = `${TREE}
select
    ${PERIOD('relief.relief_on')}::text as period_start,
    tree.group_code,
    sum(relief.amount_yuan)::numeric as numerator,
    sum(relief.persons_relieved)::numeric as denominator
from raw.temp_relief as relief
inner join tree on tree.region_code = relief.region_code
where relief.relief_on between $2::date and $3::date
group by 1, 2`;

const proactive = PROACTIVE_CHANNELS.map((c) => `'${c}'`).join(', ');

/** Approved applications found proactively ÷ all approved applications, by decision date. */
const PROACTIVE = `${TREE}
select
    ${PERIOD('apps.decided_on')}::text as period_start,
    tree.group_code,
    (count(*) filter (where apps.discovery_channel in (${proactive})))::numeric as numerator,
    count(*)::numeric as denominator
from raw.applications as apps
inner join tree on tree.region_code = apps.region_code
where apps.decision = '批准' and apps.decided_on between $2::date and $3::date
group by 1, 2`;

export const BASELINE_INDICATORS: readonly BaselineIndicator[] = [
  { key: 'low_income_coverage_rate', numerator: 'indicators.low_income_persons', denominator: 'indicators.registered_population', sql: COVERAGE },
  { key: 'alleviated_dibao_share', numerator: 'indicators.alleviated_households_assisted', denominator: 'indicators.alleviated_households', sql: ALLEVIATED },
  { key: 'temp_relief_per_capita', numerator: 'indicators.temp_relief_amount', denominator: 'indicators.temp_relief_person_times', sql: TEMP_RELIEF },
  { key: 'proactive_discovery_rate', numerator: 'indicators.approved_applications_proactive', denominator: 'indicators.approved_applications', sql: PROACTIVE },
];

export interface BaselineShape {
  level: GroupLevel;
  granularity: Granularity;
  from: string;
  to: string;
}

export interface BaselineRow {
  period_start: string;
  group_code: string;
  numerator: string;
  denominator: string;
}

export async function runBaseline(pool: pg.Pool, indicator: BaselineIndicator, shape: BaselineShape): Promise<BaselineRow[]> {
  const r = await pool.query<BaselineRow>({ text: indicator.sql, values: [shape.granularity, shape.from, shape.to, LEVEL_NAME[shape.level]] });
  return r.rows;
}
