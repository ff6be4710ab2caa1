// Kind-12 imports (整改问题清单) into the application's items, inside the
// load's transaction (etl/load/batch.ts). The file is one row per 问题编号
// with its latest state; the application keeps the history. So:
// - a number the application does not hold becomes an item, with steps for
//   the facts the row states (completion, follow-up review, state);
// - a held number is updated from the row and gets steps for its new facts;
//   a review the application already has (same day, same result) is not added
//   again, and a later export never removes a step;
// - unless the application changed the item after the row's latest date (the
//   latest of 发现日期, 整改完成日期, 回头看日期), or the item's history already
//   goes beyond that date (an older export sent again): then the values held
//   stay, each differing field is recorded as a conflict
//   (app.rectification_import_conflicts) and reported in the load summary;
//   reviews the row adds are still recorded, as they did happen.
import type pg from 'pg';
import { appendAudit, cliActor } from '../audit/trail.ts';
import type { State } from './states.ts';

export interface RectificationConflict {
  number: string;
  /** The column of the export (整改状态, 整改期限, …). */
  field: string;
  fileValue: string | null;
  applicationValue: string | null;
  reason: string;
}

interface RawRow {
  number: string;
  found_on: string;
  item_source: string;
  region_code: string;
  category: string;
  description: string;
  persons_involved: number | null;
  amount_involved_yuan: string | null;
  deadline_on: string;
  responsible_unit: string;
  status: State;
  completed_on: string | null;
  follow_up_on: string | null;
  follow_up_result: '通过' | '未通过' | null;
  latest_on: string;
}

interface ItemRow {
  item_id: string;
  state: State;
  found_on: string;
  source: string;
  region_code: string;
  category: string;
  description: string;
  person_count: number | null;
  amount_yuan: string | null;
  deadline_on: string;
  responsible_unit: string;
  completed_on: string | null;
  app_changed_on: string | null;
  known_on: string | null;
}

/** Columns compared between the file's row and the item, by their export header. */
const FIELDS: { header: string; file: (r: RawRow) => string | null; item: (i: ItemRow) => string | null }[] = [
  { header: '整改状态', file: (r) => r.status, item: (i) => i.state },
  { header: '整改期限', file: (r) => r.deadline_on, item: (i) => i.deadline_on },
  { header: '整改完成日期', file: (r) => r.completed_on, item: (i) => i.completed_on },
  { header: '发现日期', file: (r) => r.found_on, item: (i) => i.found_on },
  { header: '问题来源', file: (r) => r.item_source, item: (i) => i.source },
  { header: '区划代码', file: (r) => r.region_code, item: (i) => i.region_code },
  { header: '问题类别', file: (r) => r.category, item: (i) => i.category },
  { header: '问题描述', file: (r) => r.description, item: (i) => i.description },
  { header: '责任单位', file: (r) => r.responsible_unit, item: (i) => i.responsible_unit },
  { header: '涉及人数', file: (r) => (r.persons_involved === null ? null : String(r.persons_involved)), item: (i) => (i.person_count === null ? null : String(i.person_count)) },
  { header: '涉及金额', file: (r) => r.amount_involved_yuan, item: (i) => i.amount_yuan },
];

interface Step {
  on: string;
  to: State;
  note: string;
  review?: '通过' | '未通过';
  deadline?: string;
}

/** The facts a row states, as steps in date order (the state it ends in comes last). */
function factSteps(row: RawRow): Step[] {
  const steps: Step[] = [];
  if (row.completed_on) steps.push({ on: row.completed_on, to: '已整改', note: '导入：整改完成' });
  if (row.follow_up_on && row.follow_up_result) {
    const passed = row.follow_up_result === '通过';
    steps.push({ on: row.follow_up_on, to: passed ? '已销号' : '整改中', review: row.follow_up_result, note: `导入：回头看${row.follow_up_result}`, deadline: passed ? undefined : row.deadline_on });
  }
  return steps.sort((a, b) => a.on.localeCompare(b.on));
}

async function insertStep(client: pg.ClientBase, itemId: string, batchId: number, by: string, from: State | null, step: Step): Promise<void> {
  await client.query(
    `insert into app.rectification_steps (item_id, step_on, by_name, from_state, to_state, note, deadline_on, review_result, batch_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [itemId, step.on, by, from, step.to, step.note, step.deadline ?? null, step.review ?? null, batchId],
  );
}

async function hasStep(client: pg.ClientBase, itemId: string, step: Step): Promise<boolean> {
  const r = await client.query(
    step.review
      ? `select 1 from app.rectification_steps where item_id = $1 and step_on = $2 and review_result = $3`
      : `select 1 from app.rectification_steps where item_id = $1 and step_on = $2 and to_state = $3`,
    [itemId, step.on, step.review ?? step.to],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Applies the row's facts not yet in the item's history; returns the state they lead to. */
async function addNewFacts(client: pg.ClientBase, itemId: string, batchId: number, by: string, from: State, row: RawRow): Promise<State> {
  let state = from;
  for (const step of factSteps(row)) {
    if (await hasStep(client, itemId, step)) continue;
    await insertStep(client, itemId, batchId, by, state, step);
    state = step.to;
  }
  if (state !== row.status) {
    await insertStep(client, itemId, batchId, by, state, { on: row.latest_on, to: row.status, note: `导入：整改状态为${row.status}` });
    state = row.status;
  }
  return state;
}

async function createItem(client: pg.ClientBase, row: RawRow, batchId: number, by: string): Promise<void> {
  const created = await client.query<{ item_id: string }>(
    `insert into app.rectification_items (number, region_code, category, source, description, persons, person_count, amount_yuan,
        responsible_unit, found_on, deadline_on, state, completed_on, origin, created_at, created_by, updated_by)
     values ($1, $2, $3, $4, $5, '[]', $6, $7, $8, $9, $10, $11, $12, 'import', now(), $13, $13) returning item_id`,
    [row.number, row.region_code, row.category, row.item_source, row.description, row.persons_involved, row.amount_involved_yuan,
      row.responsible_unit, row.found_on, row.deadline_on, row.status, row.completed_on, by],
  );
  const itemId = created.rows[0]!.item_id;
  await insertStep(client, itemId, batchId, by, null, { on: row.found_on, to: '待整改', note: '导入：发现问题', deadline: row.deadline_on });
  await addNewFacts(client, itemId, batchId, by, '待整改', row);
}

async function updateItem(client: pg.ClientBase, item: ItemRow, row: RawRow, batchId: number, by: string): Promise<RectificationConflict[]> {
  const differing = FIELDS.filter((f) => f.file(row) !== f.item(item));
  const appNewer = item.app_changed_on !== null && item.app_changed_on > row.latest_on;
  if (appNewer || (item.known_on !== null && item.known_on > row.latest_on)) {
    // the item's history is newer than anything the row knows (a change in the
    // application, or an older export sent again): keep its state; a review
    // the row reports still happened, so it joins the history
    for (const step of factSteps(row).filter((s) => s.review)) {
      if (await hasStep(client, item.item_id, step)) continue;
      await insertStep(client, item.item_id, batchId, by, item.state, { ...step, to: item.state, deadline: undefined, note: `${step.note}（状态以已有记录为准）` });
    }
    const reason = appNewer
      ? `应用内于 ${item.app_changed_on} 修改了该问题，晚于文件中该行的最新日期 ${row.latest_on}；保留应用内的值`
      : `已记录的进展（${item.known_on}）晚于文件中该行的最新日期 ${row.latest_on}，文件较旧；保留已有的值`;
    return differing.filter((f) => f.header !== '整改完成日期' || row.completed_on !== null).map((f) => ({ number: row.number, field: f.header, fileValue: f.file(row), applicationValue: f.item(item), reason }));
  }
  if (differing.length === 0) return [];
  const state = await addNewFacts(client, item.item_id, batchId, by, item.state, row);
  const deadlineChanged = row.deadline_on !== item.deadline_on;
  const changedFields = differing.map((f) => f.header).filter((h) => h !== '整改状态' && h !== '整改完成日期');
  if (changedFields.length > 0) {
    await insertStep(client, item.item_id, batchId, by, state, { on: row.latest_on, to: state, note: `导入：更新${changedFields.join('、')}`, deadline: deadlineChanged ? row.deadline_on : undefined });
  }
  await client.query(
    `update app.rectification_items
        set region_code = $2, category = $3, source = $4, description = $5, person_count = $6, amount_yuan = $7,
            responsible_unit = $8, found_on = $9, deadline_on = $10,
            deadline_days = case when $10::date = deadline_on then deadline_days end,
            deadline_in_working_days = case when $10::date = deadline_on then deadline_in_working_days else false end,
            state = $11, completed_on = coalesce($12, completed_on), updated_at = now(), updated_by = $13
      where item_id = $1`,
    [item.item_id, row.region_code, row.category, row.item_source, row.description, row.persons_involved, row.amount_involved_yuan,
      row.responsible_unit, row.found_on, row.deadline_on, row.status, row.completed_on, by],
  );
  return [];
}

/**
 * Merges the kind-12 rows of batch `batchId` (and any row never merged, e.g.
 * loaded before this feature) into app.rectification_items. Returns the
 * conflicts, also stored in app.rectification_import_conflicts.
 */
export async function syncImportedRectification(client: pg.ClientBase, batchId: number): Promise<RectificationConflict[]> {
  const rows = await client.query<RawRow>(
    `select r.item_id as number, r.found_on::text as found_on, r.item_source, r.region_code, r.category, r.description,
            r.persons_involved, r.amount_involved_yuan::text as amount_involved_yuan, r.deadline_on::text as deadline_on,
            r.responsible_unit, r.status, r.completed_on::text as completed_on, r.follow_up_on::text as follow_up_on,
            case when r.follow_up_on is not null then r.follow_up_result end as follow_up_result,
            greatest(r.found_on, r.completed_on, r.follow_up_on)::text as latest_on
       from raw.rectification_items r
      where r.batch_id = $1 or not exists (select 1 from app.rectification_items i where i.number = r.item_id)
      order by r.item_id`,
    [batchId],
  );
  if (rows.rows.length === 0) return [];
  const runBy = await client.query<{ run_by: string }>(`select run_by from etl.batches where batch_id = $1`, [batchId]);
  const by = `导入批次 ${batchId}（${runBy.rows[0]?.run_by ?? '未知'}）`;
  const conflicts: RectificationConflict[] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows.rows) {
    const existing = await client.query<ItemRow>(
      `select i.item_id, i.state, i.found_on::text as found_on, i.source, i.region_code, i.category, i.description, i.person_count,
              i.amount_yuan::text as amount_yuan, i.deadline_on::text as deadline_on, i.responsible_unit, i.completed_on::text as completed_on,
              (select max(s.step_on)::text from app.rectification_steps s where s.item_id = i.item_id and s.batch_id is null) as app_changed_on,
              (select max(s.step_on)::text from app.rectification_steps s where s.item_id = i.item_id) as known_on
         from app.rectification_items i where i.number = $1 for update`,
      [row.number],
    );
    const item = existing.rows[0];
    if (!item) {
      await createItem(client, row, batchId, by);
      created++;
      continue;
    }
    const found = await updateItem(client, item, row, batchId, by);
    conflicts.push(...found);
    if (found.length === 0) updated++;
  }
  for (const c of conflicts) {
    await client.query(
      `insert into app.rectification_import_conflicts (batch_id, number, field, file_value, application_value, reason) values ($1, $2, $3, $4, $5, $6)`,
      [batchId, c.number, c.field, c.fileValue, c.applicationValue, c.reason],
    );
  }
  await appendAudit(client, {
    actor: cliActor(runBy.rows[0]?.run_by ?? 'unknown'), action: 'change', target: `rectification:import:${batchId}`,
    detail: { operation: 'import', rows: rows.rows.length, created, updated, conflicts: conflicts.length, conflicting_numbers: [...new Set(conflicts.map((c) => c.number))] },
  });
  return conflicts;
}
