// Messages between the loader (pool.ts) and its preparing threads (worker.ts).
import type { PrepareJob, PreparedEvent } from './prepare.ts';

/** COPY data a worker may prepare ahead of the loader: a file or two at city scale. */
export const MAX_AHEAD_BYTES = 64 * 1024 * 1024;

export type ToWorker =
  | { type: 'job'; job: PrepareJob }
  /** The loader has consumed this much data. */
  | { type: 'consumed'; bytes: number };

export type FromWorker =
  /** The thread has loaded its modules and takes jobs at once. */
  | { type: 'ready' }
  | { type: 'event'; event: PreparedEvent }
  | { type: 'failed'; message: string; readError: boolean };
