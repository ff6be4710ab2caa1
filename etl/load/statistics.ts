// Planner statistics for what a load changed: freshly loaded rows have none
// inside the load's transaction, and without them some models' joins take
// minutes instead of seconds. ANALYZE of a partitioned table samples and
// re-analyzes every partition (seconds at city scale, for 24 months that did
// not change), so a monthly load analyzes only the partitions it replaced; the
// parent's own statistics (which autovacuum never gathers) are taken when it
// has none yet or the models are rebuilt in full. A monthly load samples:
// the models it runs next need the new month in the statistics, not a fine
// histogram (models/README.md, analyze_sampled), and autovacuum analyzes the
// loaded tables again after the commit, its inserts counting as changes since.
import type pg from 'pg';
import type { KindSpec } from '../formats/kinds.ts';
import { ensureRawIndexes } from '../../warehouse/schema.ts';

export interface LoadedTable {
  spec: KindSpec;
  /** Partitions whose rows were replaced (partitioned kinds; none for corrections). */
  partitions: readonly string[];
}

async function hasParentStatistics(client: pg.ClientBase, table: string): Promise<boolean> {
  const r = await client.query(`select 1 from pg_stats where schemaname = 'raw' and tablename = $1 and inherited limit 1`, [table]);
  return r.rows.length > 0;
}

/** The relations to ANALYZE after loading `loaded` (a table once however many files it had). */
export async function relationsToAnalyze(client: pg.ClientBase, loaded: readonly LoadedTable[], full: boolean): Promise<string[]> {
  const byTable = new Map<string, { spec: KindSpec; partitions: Set<string> }>();
  for (const l of loaded) {
    const entry = byTable.get(l.spec.table) ?? { spec: l.spec, partitions: new Set<string>() };
    for (const p of l.partitions) entry.partitions.add(p);
    byTable.set(l.spec.table, entry);
  }
  const out: string[] = [];
  for (const [table, { spec, partitions }] of byTable) {
    if (spec.replace.by !== 'partition' || full || !(await hasParentStatistics(client, table))) out.push(`raw.${table}`);
    else out.push(...[...partitions].sort());
  }
  return out;
}

/** The statistics target of a monthly load's ANALYZE: 3,000 sampled rows instead of 30,000 (a third of its cost at city scale). */
const SAMPLED_STATISTICS_TARGET = 10;

export async function analyzeLoaded(client: pg.ClientBase, loaded: readonly LoadedTable[], full: boolean): Promise<void> {
  // the raw indexes of the partitions the files created, built now rather than row by row during COPY
  await ensureRawIndexes(client, [...new Set(loaded.map((l) => l.spec.table))]);
  const relations = await relationsToAnalyze(client, loaded, full);
  if (relations.length === 0) return;
  const analyze = `analyze ${relations.join(', ')}`;
  // a partitioned table analyzed whole (its first statistics) gets the full sample
  const sampled = !full && !relations.some((r) => loaded.some((l) => l.spec.replace.by === 'partition' && r === `raw.${l.spec.table}`));
  await client.query(sampled ? `set local default_statistics_target = ${SAMPLED_STATISTICS_TARGET}; ${analyze}; set local default_statistics_target to default` : analyze);
}
