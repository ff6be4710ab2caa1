// Monitoring warnings (kind 8): from data comparisons with other departments, and their handling.
import type { Application } from './applications';
import type { Timeline } from './calendar';
import type { DeathSource, DeathRecord } from './deaths';
import type { MonthView, PersonAt } from './month-view';
import type { Population } from './population';
import { Rng, Weighted } from './random';
import type { RegionTree } from './regions';
import { cmp } from './util';

export type Department = '医保' | '人社' | '教育' | '残联' | '农业农村' | '卫健' | '公安' | '住建' | '殡葬' | '民政';
export type WarningLevel = '红' | '橙' | '黄' | '蓝';
export type WarningState = '待核查' | '核查中' | '已处置';
export type WarningOutcome = '纳入低保' | '纳入特困' | '给予临时救助' | '转介专项救助' | '认定低保边缘' | '停发救助' | '不符合条件';

export interface Warning {
  no: string;
  day: number;
  target: PersonAt;
  department: Department;
  reason: string;
  level: WarningLevel;
  state: WarningState;
  outcome?: WarningOutcome;
  handled?: number;
}

interface Reason {
  text: string;
  /** hardship signals lead to help; asset/income signals to a check of the recipient */
  hardship: boolean;
}

const REASONS: Record<Exclude<Department, '殡葬'>, Reason[]> = {
  医保: [
    { text: '年度个人自付医疗费用超过2万元', hardship: true },
    { text: '住院自付费用超过5,000元', hardship: true },
    { text: '门诊慢特病，自付费用较高', hardship: true },
  ],
  人社: [
    { text: '失业登记', hardship: true },
    { text: '社保缴费中断', hardship: true },
    { text: '新增就业登记，工资收入变化', hardship: false },
  ],
  教育: [
    { text: '家庭经济困难学生认定', hardship: true },
    { text: '学生有辍学风险', hardship: true },
  ],
  残联: [
    { text: '新增重度残疾人', hardship: true },
    { text: '残疾等级变更', hardship: true },
  ],
  农业农村: [
    { text: '防返贫监测：家庭收入骤减', hardship: true },
    { text: '因灾农作物严重受损', hardship: true },
  ],
  卫健: [
    { text: '重大疾病诊断', hardship: true },
    { text: '孕产妇高危管理', hardship: true },
  ],
  公安: [
    { text: '新增机动车登记', hardship: false },
    { text: '户籍迁出本市', hardship: false },
  ],
  住建: [
    { text: '新增不动产登记', hardship: false },
    { text: '房屋鉴定为危房', hardship: true },
  ],
  民政: [
    { text: '婚姻状况变化', hardship: false },
    { text: '新增残疾人两项补贴', hardship: true },
    { text: '发现流浪乞讨人员', hardship: true },
  ],
};

const DEPARTMENTS = new Weighted<Exclude<Department, '殡葬'>>([
  ['医保', 22],
  ['人社', 13],
  ['教育', 8],
  ['残联', 8],
  ['农业农村', 13],
  ['卫健', 11],
  ['公安', 8],
  ['住建', 7],
  ['民政', 10],
]);
const LEVELS = new Weighted<WarningLevel>([
  ['红', 8],
  ['橙', 17],
  ['黄', 35],
  ['蓝', 40],
]);
const HARDSHIP_OUTCOMES = new Weighted<WarningOutcome>([
  ['给予临时救助', 20],
  ['转介专项救助', 20],
  ['认定低保边缘', 12],
  ['纳入低保', 8],
  ['纳入特困', 2],
  ['不符合条件', 38],
]);
const OUTCOME_OF_APPLICATION: Record<Application['category'], WarningOutcome> = {
  低保: '纳入低保',
  特困: '纳入特困',
  临时救助: '给予临时救助',
  低保边缘认定: '认定低保边缘',
  刚性支出困难认定: '转介专项救助',
};
const DEPARTMENT_OF_APPLICATION: Record<Application['category'], Department[]> = {
  低保: ['民政', '医保', '人社', '残联'],
  特困: ['民政', '残联', '卫健'],
  临时救助: ['医保', '卫健', '住建', '民政'],
  低保边缘认定: ['农业农村', '人社', '民政'],
  刚性支出困难认定: ['医保', '教育', '卫健'],
};
const DEATH_REASON: Record<DeathSource, string> = {
  殡葬: '火化记录比对：救助对象已死亡',
  公安: '户籍死亡注销比对',
  卫健: '死亡医学证明比对',
};

/** Days to handle a warning: mostly within 15 days, all within 30. */
function handlingDays(rng: Rng): number {
  return rng.chance(0.8) ? rng.range(1, 15) : rng.range(16, 30);
}

/**
 * Warnings that follow from other events: the big-data warnings behind applications,
 * and death-record comparisons (except the deaths nobody acted upon). Grouped by month.
 */
export function linkedWarnings(seed: number, timeline: Timeline, apps: Application[], deaths: DeathRecord[], ignored: Set<string>): Warning[][] {
  const rng = new Rng(seed, 'linked-warnings');
  const byMonth: Warning[][] = timeline.months.map(() => []);
  const push = (w: Warning): void => {
    const m = timeline.monthOfDay(w.day);
    if (m >= 0 && m < timeline.count) byMonth[m]!.push(w);
  };
  for (const a of apps) {
    if (a.channel !== '大数据预警') continue;
    const day = a.accept - rng.range(1, 10);
    push({
      no: '',
      day,
      target: { person: a.person, village: a.village },
      department: rng.pick(DEPARTMENT_OF_APPLICATION[a.category]),
      reason: '',
      level: rng.chance(0.3) ? '橙' : '黄',
      state: '已处置',
      outcome: a.result === '不予批准' ? '不符合条件' : OUTCOME_OF_APPLICATION[a.category],
      handled: a.accept,
    });
  }
  for (const d of deaths) {
    if (ignored.has(d.person.id) || !d.listed) continue;
    const day = d.day + rng.range(1, 12);
    push({
      no: '',
      day,
      target: { person: d.person, village: d.village },
      department: d.source,
      reason: DEATH_REASON[d.source],
      level: '红',
      state: '已处置',
      outcome: '停发救助',
      handled: day + rng.range(1, 8),
    });
  }
  return byMonth;
}

/** All warnings of month m: the linked ones plus department comparisons up to ~700 × scale. */
export function monthWarnings(seed: number, m: number, timeline: Timeline, view: MonthView, pop: Population, regions: RegionTree, linked: Warning[], scale: number): Warning[] {
  const rng = new Rng(seed, 'warnings', m);
  const month = timeline.at(m);
  const endDay = timeline.endDay;
  const total = Math.max(linked.length + 1, Math.round(700 * scale * rng.uniform(0.92, 1.08)));
  const list: Warning[] = [];
  for (const w of linked) {
    const reasons = w.reason ? undefined : REASONS[w.department as Exclude<Department, '殡葬'>];
    list.push({ ...w, reason: w.reason || (reasons ? rng.pick(reasons.filter((r) => r.hardship)).text : '其他部门数据比对异常') });
  }
  for (let i = list.length; i < total; i++) {
    const department = DEPARTMENTS.pick(rng);
    const reason = rng.pick(REASONS[department]);
    const x = rng.next();
    let target: PersonAt | undefined;
    if (x < 0.3) target = view.rosterPerson(rng);
    else if (x < 0.6) target = view.lowIncomePerson(rng);
    else if (x < 0.72 && pop.agri.length > 0) {
      const h = rng.pick(pop.agri);
      const k = rng.pick(h.members);
      if (k.person.death === undefined) target = { person: k.person, village: h.village };
    }
    if (!target) {
      const village = rng.pick(regions.villages);
      target = { person: pop.factory.ofAge(rng, village.county, month.first, rng.range(18, 85)), village };
    }
    const onRoster = target.household !== undefined && target.household.kind !== 'margin' && target.household.kind !== 'rigid' && target.household.kind !== 'other';
    const outcome: WarningOutcome = reason.hardship ? HARDSHIP_OUTCOMES.pick(rng) : onRoster && rng.chance(0.35) ? '停发救助' : '不符合条件';
    const day = month.first + rng.int(month.days);
    list.push({ no: '', day, target, department, reason: reason.text, level: LEVELS.pick(rng), state: '已处置', outcome, handled: day + handlingDays(rng) });
  }
  // Not yet handled at the end of the period: recent ones are still being checked.
  for (const w of list) {
    if (w.handled !== undefined && w.handled > endDay) {
      w.state = endDay - w.day <= 5 ? '待核查' : '核查中';
      delete w.outcome;
      delete w.handled;
    }
  }
  list.sort((a, b) => a.day - b.day || cmp(a.target.village.code, b.target.village.code) || cmp(a.target.person.id, b.target.person.id));
  list.forEach((w, i) => (w.no = `YJ${month.compact}${String(i + 1).padStart(6, '0')}`));
  return list;
}
