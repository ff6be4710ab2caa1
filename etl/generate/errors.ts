// Deliberately bad rows (withErrors): one row per rule, spread over several files and kinds.
import { idCheckChar } from '../formats/id-number';
import { daysInMonth, type Timeline } from './calendar';
import { FILE_NAMES } from './headers';
import { Rng } from './random';
import type { Plant } from './writers';

export type PlantPlan = Map<string, Map<number, Plant>>;

interface Rule {
  file: (yyyymm: string) => string;
  column: string;
  reason: string;
  /** highest row number to aim at */
  maxRow: number;
  /** about how many rows such a file has at scale 1 (small scales have small files) */
  rowsAtScale1: number;
  mutate: (value: string, year: number) => string;
}

const wrongCheckChar = (id: string): string => {
  if (!/^\d{17}[\dX]$/.test(id)) return id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');
  const right = idCheckChar(id.slice(0, 17));
  const chars = '0123456789X';
  const wrong = chars[(chars.indexOf(right) + 3) % chars.length]!;
  return id.slice(0, 17) + wrong;
};

/** The register list dated at the end of a month (yyyymm). */
const cadreList = (yyyymm: string): string =>
  FILE_NAMES.cadreRelatives(yyyymm + String(daysInMonth(Number(yyyymm.slice(0, 4)), Number(yyyymm.slice(4)))));

const RULES: Rule[] = [
  { file: FILE_NAMES.roster, column: '身份证号', reason: '身份证号校验位错误', rowsAtScale1: 38000, maxRow: 300, mutate: wrongCheckChar },
  { file: FILE_NAMES.lowIncome, column: '身份证号', reason: '身份证号只有17位', rowsAtScale1: 60000, maxRow: 300, mutate: (v) => v.slice(0, 17) },
  { file: FILE_NAMES.verifications, column: '区划代码', reason: '区划代码不在行政区划表中', rowsAtScale1: 2000, maxRow: 40, mutate: (v) => v.slice(0, 6) + '999999' },
  { file: FILE_NAMES.warnings, column: '预警日期', reason: '日期无效（2月30日）', rowsAtScale1: 700, maxRow: 12, mutate: (_v, y) => `${y}-02-30` },
  { file: FILE_NAMES.payments, column: '所属月份', reason: '月份无效（13月）', rowsAtScale1: 38000, maxRow: 300, mutate: (_v, y) => `${y}-13` },
  { file: FILE_NAMES.payments, column: '发放金额', reason: '金额为负数', rowsAtScale1: 38000, maxRow: 300, mutate: (v) => '-' + v },
  { file: FILE_NAMES.tempRelief, column: '救助金额', reason: '金额不是数字', rowsAtScale1: 350, maxRow: 8, mutate: () => 'abc' },
  { file: FILE_NAMES.roster, column: '救助类别', reason: '救助类别不在取值范围内', rowsAtScale1: 38000, maxRow: 300, mutate: () => '城市低保户' },
  { file: FILE_NAMES.applications, column: '家庭编号', reason: '必填项为空', rowsAtScale1: 800, maxRow: 10, mutate: () => '' },
  // appended after the others, so that adding them moved none of the earlier plants
  { file: cadreList, column: '近亲属身份证号', reason: '近亲属身份证号校验位错误', rowsAtScale1: 1300, maxRow: 60, mutate: wrongCheckChar },
  { file: cadreList, column: '关系', reason: '关系不在取值范围内', rowsAtScale1: 1300, maxRow: 60, mutate: () => '表兄弟' },
];

/** Where to plant each rule: a month's file (different months where possible) and a row number. */
export function planErrors(seed: number, timeline: Timeline, scale: number): PlantPlan {
  const rng = new Rng(seed, 'planted-errors');
  const plan: PlantPlan = new Map();
  RULES.forEach((rule, i) => {
    const m = (i * 7 + rng.int(timeline.count)) % timeline.count;
    const month = timeline.at(m);
    const file = rule.file(month.compact);
    let perFile = plan.get(file);
    if (!perFile) plan.set(file, (perFile = new Map()));
    const last = Math.max(2, Math.min(rule.maxRow, Math.floor(rule.rowsAtScale1 * scale * 0.5)));
    let row = rng.range(2, last);
    while (perFile.has(row)) row++;
    perFile.set(row, { column: rule.column, reason: rule.reason, mutate: (v) => rule.mutate(v, month.year) });
  });
  return plan;
}
