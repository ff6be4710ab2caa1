// What a load changed, in months: the models rebuild only the periods of the
// months whose raw rows were replaced, added or removed (issue 14). Each kind
// declares the date columns that place its rows in months for the models; a
// file's changed months are those columns' months in the rows it removed and
// in the rows it brought:
// - replaced by partition: every row of the partitions it replaced, old and new
//   (a roster month, a snapshot date, the benefit months of a payment batch);
// - replaced by key, and corrections (by identity): only the rows whose values
//   differ, old and new (an identical re-export changes nothing).
// Some changes cannot be bounded by months: they request a full rebuild.
//
// A file replaced by identity also names the persons (its ID-number columns)
// and households of the rows that differ, old and new, so that person-level
// models rebuild only those persons of the changed months (dbt var
// changed_persons). Replacing partitions, a kind without an ID-number column,
// or more than PERSONS_LIMIT persons leaves them unnamed: every person.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';
import { partitionName } from './partitions.ts';

export type MonthRule =
  /**
   * `carriesForward`: a row stays in force in later months (a standard from its
   * effective date, a snapshot or list until the next one, a death for every
   * later benefit month), so its month and every later one change.
   */
  | { columns: readonly string[]; carriesForward?: true }
  /** Changes every month (why, for the history). */
  | { unbounded: string };

/** By raw table; every kind of etl/formats/kinds.ts has one (test/etl-changed-months.test.ts). */
export const MONTH_RULES: Readonly<Record<string, MonthRule>> = {
  // every month's figures are rolled up along the region tree
  regions: { unbounded: '行政区划变更影响所有月份的区划归属' },
  standards: { columns: ['effective_on'], carriesForward: true },
  basic_living_roster: { columns: ['stat_month'] },
  low_income_roster: { columns: ['stat_month'] },
  benefit_payments: { columns: ['benefit_month'] },
  temp_relief: { columns: ['relief_on'] },
  applications: { columns: ['accepted_on', 'decided_on'] },
  warnings: { columns: ['warned_on', 'handled_on'] },
  alleviated_persons: { columns: ['snapshot_on'], carriesForward: true },
  deaths: { columns: ['died_on'], carriesForward: true },
  economic_verifications: { columns: ['verified_on'] },
  rectification_items: { columns: ['found_on', 'deadline_on', 'completed_on', 'follow_up_on'] },
  cadre_relatives: { columns: ['list_on'], carriesForward: true },
};

export function monthRule(spec: KindSpec): MonthRule {
  const rule = MONTH_RULES[spec.table];
  if (!rule) throw new Error(`no month rule for raw.${spec.table} (etl/load/changes.ts)`);
  return rule;
}

/**
 * The partitions staged rows can only match loaded rows in (a correction of a
 * partitioned kind: its identity includes the partition column): said outright
 * so that PostgreSQL reads those partitions, not the whole table.
 */
export interface PartitionValues {
  column: string;
  values: string[];
}

/**
 * Above this many persons (or households) a file's change names none: every
 * person of its months is rebuilt. Rebuilding a whole month costs about as
 * much as a few thousand persons, and the list travels in the models' SQL.
 */
export const PERSONS_LIMIT = 1000;

/** What one file changed. */
export interface FileChanges {
  /** YYYY-MM-01, sorted. */
  months: string[];
  /** Set when the change is not bounded by months: why. */
  unbounded: string | null;
  /** Its months carry forward to every later month (MonthRule). */
  carriesForward: boolean;
  /**
   * The ID numbers of the rows that differ, old and new, sorted: every row the
   * file changed belongs to one of them. Absent: not bounded by persons (a
   * partition replaced, no ID-number column, over PERSONS_LIMIT).
   */
  persons?: string[];
  /** The household IDs of those rows, old and new, sorted (with `persons`; empty without a household column). */
  households?: string[];
}

/** The columns naming a person in `spec`'s rows (its ID numbers), and its household column if any. */
export function personColumns(spec: KindSpec): { persons: string[]; household: string | null } {
  return {
    persons: spec.columns.filter((c) => c.value.type === 'id_number').map((c) => c.column),
    household: spec.columns.some((c) => c.column === 'household_id') ? 'household_id' : null,
  };
}

/** Of `within`'s partition values, those with no loaded row yet (no partition of their own, or an empty one). */
async function newPartitionValues(client: pg.ClientBase, spec: KindSpec, within: PartitionValues): Promise<string[]> {
  const out: string[] = [];
  for (const v of within.values) {
    const name = partitionName(spec, v);
    const exists = await client.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [name]);
    if (!exists.rows[0]!.ok || (await client.query(`select 1 from ${name} limit 1`)).rows.length === 0) out.push(v);
  }
  return out;
}

/** Collects a file's changed months while it is loaded (load-file.ts). */
export class ChangeRecorder {
  private readonly months = new Set<string>();
  private readonly rule: MonthRule;
  /** An unbounded kind's file changed some row. */
  private changedAny = false;
  /** Persons and households of the differing rows; null once not bounded by persons. */
  private persons: Set<string> | null = new Set();
  private households = new Set<string>();

  constructor(private readonly spec: KindSpec) {
    this.rule = monthRule(spec);
  }

  /** Rows of these partition values are about to be removed, or were just loaded. */
  async partitions(client: pg.ClientBase, values: readonly string[]): Promise<void> {
    if (values.length === 0) return;
    this.persons = null; // a replaced partition: every person in it
    if ('unbounded' in this.rule) {
      this.changedAny = true;
      return;
    }
    const replace = this.spec.replace;
    if (replace.by !== 'partition') throw new Error(`${this.spec.table} is not replaced by partition`);
    // the partition value is itself the row's only month column: no need to read the rows
    if (this.rule.columns.length === 1 && this.rule.columns[0] === replace.column) {
      for (const v of values) this.months.add(`${v.slice(0, 7)}-01`);
      return;
    }
    const months = this.rule.columns.map((c) => `date_trunc('month', ${c})::date`).join(', ');
    const r = await client.query<{ m: string }>(
      `select distinct m::text as m from raw.${this.spec.table} t cross join lateral unnest(array[${months}]) as m
        where t.${replace.column} = any($1::text[]) and m is not null`,
      [values],
    );
    for (const row of r.rows) this.months.add(row.m);
  }

  /** The months of the rows a file COPYed into the partitions it replaced, worked out as they were prepared (prepare.ts). */
  written(months: readonly string[]): void {
    if (months.length > 0) this.persons = null;
    for (const m of months) this.months.add(m);
  }

  /**
   * Staged rows about to replace the loaded rows with the same `identity`: the
   * months of the staged rows that differ from what is loaded, and of the loaded
   * rows they replace.
   */
  async staged(client: pg.ClientBase, stage: string, identity: readonly string[], within?: PartitionValues): Promise<void> {
    const join = identity.map((c) => `r.${c} = s.${c}`).join(' and ') + (within ? ` and r.${within.column} = any($1)` : '');
    const params = within ? [within.values] : [];
    const values = this.spec.columns.map((c) => c.column);
    const differs = `(r.${identity[0]} is null or row(${values.map((c) => `s.${c}`).join(', ')}) is distinct from row(${values.map((c) => `r.${c}`).join(', ')}))`;
    if ('unbounded' in this.rule) {
      // an identical re-export (of the regions) changes nothing
      const r = await client.query(`select 1 from ${stage} s left join raw.${this.spec.table} r on ${join} where ${differs} limit 1`, params);
      if (r.rows.length > 0) this.changedAny = true;
      return;
    }
    const months = this.rule.columns.flatMap((c) => [`date_trunc('month', s.${c})::date`, `date_trunc('month', r.${c})::date`]).join(', ');
    const who = personColumns(this.spec);
    const persons = who.persons.flatMap((c) => [`s.${c}`, `r.${c}`]);
    const households = who.household ? [`s.${who.household}`, `r.${who.household}`] : [];
    // one pass over the differing rows; persons and households read up to one past the limit
    const some = (column: string) =>
      `array(select distinct v from differing cross join lateral unnest(${column}) as v where v is not null limit ${PERSONS_LIMIT + 1})`;
    const r = await client.query<{ months: string[]; persons: string[]; households: string[] }>(
      `with differing as materialized (
         select array[${months}] as months, array[${persons.join(', ') || 'null'}]::text[] as persons, array[${households.join(', ') || 'null'}]::text[] as households
           from ${stage} s left join raw.${this.spec.table} r on ${join}
          where ${differs}
       )
       select array(select distinct m::text from differing cross join lateral unnest(months) as m where m is not null) as months,
              ${some('persons')} as persons, ${some('households')} as households`,
      params,
    );
    const row = r.rows[0]!;
    for (const m of row.months) this.months.add(m);
    if (this.persons === null) return;
    if (within && this.rule.carriesForward && (await newPartitionValues(client, this.spec, within)).length > 0) {
      // a snapshot or list of a new date comes into force for every person on it
      this.persons = null;
      return;
    }
    if (who.persons.length === 0 || row.persons.length > PERSONS_LIMIT || row.households.length > PERSONS_LIMIT) {
      if (row.months.length > 0) this.persons = null;
      return;
    }
    for (const p of row.persons) this.persons.add(p);
    for (const h of row.households) this.households.add(h);
    if (this.persons.size > PERSONS_LIMIT || this.households.size > PERSONS_LIMIT) this.persons = null;
  }

  result(): FileChanges {
    if ('unbounded' in this.rule) return { months: [], unbounded: this.changedAny ? this.rule.unbounded : null, carriesForward: false };
    const changes: FileChanges = { months: [...this.months].sort(), unbounded: null, carriesForward: this.rule.carriesForward === true };
    if (this.persons === null) return changes;
    return { ...changes, persons: [...this.persons].sort(), households: [...this.households].sort() };
  }
}
