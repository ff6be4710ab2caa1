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
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';

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

/** What one file changed. */
export interface FileChanges {
  /** YYYY-MM-01, sorted. */
  months: string[];
  /** Set when the change is not bounded by months: why. */
  unbounded: string | null;
  /** Its months carry forward to every later month (MonthRule). */
  carriesForward: boolean;
}

/** Collects a file's changed months while it is loaded (load-file.ts). */
export class ChangeRecorder {
  private readonly months = new Set<string>();
  private readonly rule: MonthRule;
  /** An unbounded kind's file changed some row. */
  private changedAny = false;

  constructor(private readonly spec: KindSpec) {
    this.rule = monthRule(spec);
  }

  /** Rows of these partition values are about to be removed, or were just loaded. */
  async partitions(client: pg.ClientBase, values: readonly string[]): Promise<void> {
    if (values.length === 0) return;
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
    const r = await client.query<{ m: string }>(
      `select distinct m::text as m
         from ${stage} s left join raw.${this.spec.table} r on ${join}
         cross join lateral unnest(array[${months}]) as m
        where m is not null and ${differs}`,
      params,
    );
    for (const row of r.rows) this.months.add(row.m);
  }

  result(): FileChanges {
    if ('unbounded' in this.rule) return { months: [], unbounded: this.changedAny ? this.rule.unbounded : null, carriesForward: false };
    return { months: [...this.months].sort(), unbounded: null, carriesForward: this.rule.carriesForward === true };
  }
}
