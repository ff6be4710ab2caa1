// Rectification items (kind 12): problems found by inspections, their deadlines, states and follow-up checks.
import { ymdFromDay, type Timeline } from './calendar';
import { Rng, Weighted } from './random';
import type { RegionTree } from './regions';

export type IssueSource = '专项检查' | '审计' | '督查' | '群众举报' | '数据比对' | '舆情';
export type IssueCategory = '不符合条件享受' | '应保未保' | '资金发放不及时' | '审核超时' | '档案不规范' | '近亲属未备案' | '死亡未及时停发' | '其他';
export type IssueState = '待整改' | '整改中' | '已整改' | '已销号';

export interface RectificationItem {
  no: string;
  found: number;
  source: IssueSource;
  regionCode: string;
  category: IssueCategory;
  description: string;
  persons?: number;
  /** yuan with cents */
  amountCents?: number;
  deadline: number;
  unit: string;
  state: IssueState;
  completed?: number;
  reviewed?: number;
  reviewResult?: '通过' | '未通过';
}

const SOURCES = new Weighted<IssueSource>([
  ['专项检查', 30],
  ['审计', 15],
  ['督查', 20],
  ['群众举报', 10],
  ['数据比对', 20],
  ['舆情', 5],
]);

const CATEGORIES: { category: IssueCategory; weight: number; text: (place: string, n: number) => string; persons: [number, number]; money: boolean }[] = [
  { category: '不符合条件享受', weight: 18, text: (p, n) => `${p}${n}户家庭有车辆或经营性收入超标仍享受低保`, persons: [2, 25], money: true },
  { category: '应保未保', weight: 10, text: (p, n) => `${p}${n}名符合条件的重病重残人员未纳入保障`, persons: [1, 12], money: false },
  { category: '资金发放不及时', weight: 12, text: (p, n) => `${p}当月低保金延迟发放，涉及${n}人`, persons: [10, 300], money: true },
  { category: '审核超时', weight: 12, text: (p, n) => `${p}${n}件低保申请审核确认超过20个工作日`, persons: [2, 30], money: false },
  { category: '档案不规范', weight: 14, text: (p, n) => `${p}${n}份救助档案缺少入户调查记录`, persons: [5, 60], money: false },
  { category: '近亲属未备案', weight: 8, text: (p, n) => `${p}${n}名村（社区）干部近亲属享受低保未按规定备案`, persons: [1, 6], money: true },
  { category: '死亡未及时停发', weight: 10, text: (p, n) => `${p}${n}名救助对象死亡后仍在发放救助金`, persons: [1, 8], money: true },
  { category: '其他', weight: 6, text: (p, n) => `${p}临时救助台账登记不完整，涉及${n}人次`, persons: [3, 40], money: false },
];
const CATEGORY_TABLE = new Weighted(CATEGORIES.map((c) => [c, c.weight] as const));

/** A few dozen items spread over the period; older ones mostly closed, some overdue. */
export function rectificationItems(seed: number, regions: RegionTree, timeline: Timeline): RectificationItem[] {
  const rng = new Rng(seed, 'rectification');
  const startDay = timeline.startDay;
  const endDay = timeline.endDay;
  const span = Math.max(1, endDay - startDay + 1);
  const count = Math.max(12, Math.min(48, Math.round(14 + timeline.count * 1.2)));
  const founds = Array.from({ length: count }, () => startDay + rng.int(span)).sort((a, b) => a - b);
  const items: RectificationItem[] = [];
  const seqByYear = new Map<number, number>();
  for (const found of founds) {
    const county = rng.pick(regions.counties);
    const townships = regions.townships.filter((t) => t.county === county.index);
    const atTownship = rng.chance(0.45) && townships.length > 0;
    const township = atTownship ? rng.pick(townships) : undefined;
    const spec = CATEGORY_TABLE.pick(rng);
    const n = rng.range(spec.persons[0], spec.persons[1]);
    const place = township ? county.name + township.name : county.name;
    const deadline = found + rng.pick([30, 45, 60, 90]);
    const item: RectificationItem = {
      no: '',
      found,
      source: spec.category === '死亡未及时停发' || spec.category === '近亲属未备案' ? (rng.chance(0.7) ? '数据比对' : SOURCES.pick(rng)) : SOURCES.pick(rng),
      regionCode: township ? township.code : county.code,
      category: spec.category,
      description: spec.text(place, n),
      persons: n,
      deadline,
      unit: township ? township.name + (township.kind === '街道' ? '办事处' : '人民政府') : county.name + '民政局',
      state: '待整改',
    };
    if (spec.money) item.amountCents = n * rng.range(300, 4000) * 100 + (rng.chance(0.5) ? rng.range(0, 99) : 0);
    // Progress as seen at the end of the period.
    const age = endDay - found;
    const closeChance = deadline < endDay ? 0.78 : 0.25;
    if (age > 10 && rng.chance(closeChance)) {
      const completed = Math.min(endDay, found + rng.range(10, Math.max(11, deadline - found + 20)));
      item.completed = completed;
      item.state = '已整改';
      const reviewDay = completed + rng.range(15, 60);
      if (reviewDay <= endDay && rng.chance(0.8)) {
        item.reviewed = reviewDay;
        if (rng.chance(0.88)) {
          item.reviewResult = '通过';
          item.state = '已销号';
        } else {
          item.reviewResult = '未通过';
          item.state = '整改中';
        }
      }
    } else {
      item.state = age > 7 && rng.chance(0.75) ? '整改中' : '待整改';
    }
    const year = ymdFromDay(found)[0];
    const seq = (seqByYear.get(year) ?? 0) + 1;
    seqByYear.set(year, seq);
    item.no = `ZG-${year}-${String(seq).padStart(3, '0')}`;
    items.push(item);
  }
  return items;
}
