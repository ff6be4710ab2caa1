// Whether a load rebuilds the models in full or only the months it changed
// (changes.ts), and which months those are for the runner's
// `vars: { changed_months }`; within them, when every changed file names its
// persons, only those persons (`vars: { changed_persons, changed_households }`).
import type pg from 'pg';
import { PERSONS_LIMIT, type FileChanges } from './changes.ts';

export interface ModelRefresh {
  /** Why every model is rebuilt from scratch; null: only `months`. */
  full: string | null;
  /** YYYY-MM-01, sorted: the months changed, with what carries forward to later months. */
  months: string[];
  /**
   * ID numbers, sorted: every row the load changed in `months` belongs to one
   * of them. Absent: every person (a partition replaced, a kind without ID
   * numbers, over PERSONS_LIMIT, a full rebuild).
   */
  persons?: string[];
  /** The households of those rows, old and new (with `persons`). */
  households?: string[];
}

export interface RefreshInputs {
  files: readonly FileChanges[];
  /** `etl load --full-refresh`, `etl build --full-refresh`. */
  requested: boolean;
  /** The fingerprint of the models about to run (model-fingerprint.ts). */
  fingerprint: string;
}

/** The fingerprint of the models the warehouse's marts were last built with, if any. */
async function lastModelsHash(client: pg.ClientBase): Promise<string | null> {
  const r = await client.query<{ models_hash: string }>(
    `select models_hash from etl.batches where status = 'succeeded' and models_hash is not null order by batch_id desc limit 1`,
  );
  return r.rows[0]?.models_hash ?? null;
}

/** The last month of the marts' calendar before this load (null before the first build). */
async function lastCalendarMonth(client: pg.ClientBase): Promise<string | null> {
  const exists = await client.query<{ ok: boolean }>(`select to_regclass('marts.dim_month') is not null as ok`);
  if (!exists.rows[0]!.ok) return null;
  const r = await client.query<{ m: string | null }>(`select max(month_start)::text as m from marts.dim_month`);
  return r.rows[0]!.m;
}

/** Every month from `from` to `to` (YYYY-MM-01), both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const end = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7));
  while (y * 12 + m <= end) {
    out.push(`${y}-${String(m).padStart(2, '0')}-01`);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  return out;
}

export async function decideRefresh(client: pg.ClientBase, inputs: RefreshInputs): Promise<ModelRefresh> {
  const full = (reason: string): ModelRefresh => ({ full: reason, months: [] });
  if (inputs.requested) return full('指定了 --full-refresh');
  const previous = await lastModelsHash(client);
  if (previous === null) return full('首次构建模型');
  if (previous !== inputs.fingerprint) return full('模型代码已更新');
  const unbounded = inputs.files.find((f) => f.unbounded !== null);
  if (unbounded) return full(unbounded.unbounded!);

  const months = new Set(inputs.files.flatMap((f) => f.months));
  const forward = inputs.files.filter((f) => f.carriesForward).flatMap((f) => f.months).sort();
  if (forward.length > 0) {
    const last = [await lastCalendarMonth(client), ...months].filter((m): m is string => m !== null).sort().at(-1)!;
    for (const m of monthsBetween(forward[0]!, last)) months.add(m);
  }
  return { full: null, months: [...months].sort(), ...changedPersons(inputs.files) };
}

/** The persons (and households) every file's change keeps to, when each names them and together they stay within PERSONS_LIMIT. */
export function changedPersons(files: readonly FileChanges[]): Pick<ModelRefresh, 'persons' | 'households'> {
  const changing = files.filter((f) => f.unbounded !== null || f.months.length > 0);
  if (changing.length === 0 || changing.some((f) => f.persons === undefined)) return {};
  const persons = new Set(changing.flatMap((f) => f.persons!));
  const households = new Set(changing.flatMap((f) => f.households ?? []));
  if (persons.size > PERSONS_LIMIT || households.size > PERSONS_LIMIT) return {};
  return { persons: [...persons].sort(), households: [...households].sort() };
}
