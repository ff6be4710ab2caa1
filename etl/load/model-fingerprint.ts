// A fingerprint of everything the derived layers are built from (the dbt
// project and the Cube data model), so a new version of the code rebuilds
// marts and rollups of a warehouse loaded by an older one.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['dbt_project.yml', 'models', 'macros', 'cube/model'];

async function filesUnder(p: string): Promise<string[]> {
  const entries = await readdir(p, { withFileTypes: true }).catch(() => null);
  if (!entries) return [p];
  const nested = await Promise.all(entries.map((e) => filesUnder(path.join(p, e.name))));
  return nested.flat();
}

export async function modelFingerprint(root = ROOT): Promise<string> {
  const files = (await Promise.all(SOURCES.map((s) => filesUnder(path.join(root, s)))))
    .flat()
    .filter((f) => /\.(sql|ya?ml)$/.test(f))
    .sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(path.relative(root, f));
    hash.update(await readFile(f));
  }
  return hash.digest('hex');
}

/** True when the warehouse holds data whose marts were built from other models than these. */
export async function modelsOutOfDate(pool: pg.Pool, fingerprint: string): Promise<boolean> {
  const r = await pool.query<{ models_hash: string | null }>(
    `select models_hash from etl.batches where status = 'succeeded' and models_hash is not null order by batch_id desc limit 1`,
  );
  const loaded = await pool.query<{ any: boolean }>(`select exists (select 1 from etl.batches where status = 'succeeded') as any`);
  return loaded.rows[0]!.any && r.rows[0]?.models_hash !== fingerprint;
}
