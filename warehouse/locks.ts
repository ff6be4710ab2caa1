// The warehouse's advisory lock keys, in one place: every process that takes
// one of them must agree on the number.

/** Transaction lock serialising schema changes (warehouse/schema.ts, etl/history/schema.ts). */
export const SCHEMA_LOCK = 7_310_001;
/** Session lock held by the one load in progress (etl/load/batch.ts); `etl history` looks for it. */
export const LOAD_LOCK = 7_310_002;
/** Held while rollups are rebuilt, by a load (transaction lock) or the server at start (session lock). */
export const ROLLUP_REFRESH_LOCK = 7_310_003;
