// Section 5 of a quarterly notification: the rectification list. Items come
// from the rectification module when it is available (each item, county,
// deadline, state, follow-up result, overdue first); otherwise the section
// holds the Cube `rectification` view's counts by sub-region and says so.
import type { CubeSource, RawQuery } from './cube-source.ts';
import { numberOf } from './cube-source.ts';
import type { NoticeSection, NoticeTable } from './document.ts';
import { chineseDate, formatFigure } from './format.ts';
import { dateRange, type Period } from './period.ts';
import type { NoticeRegion } from './regions.ts';

export interface RectificationListItem {
  id: string;
  title: string;
  /** The county (or township for a county notice) the item belongs to. */
  county: string;
  deadline: string | null;
  state: string;
  followUp: string;
  overdue: boolean;
}

/** The items of a region relevant to a period: open at its end, or closed within it. */
export interface RectificationItemsSource {
  list(region: NoticeRegion, period: { start: string; end: string }): Promise<RectificationListItem[]>;
}

interface SectionInput {
  source: CubeSource;
  rectification: RectificationItemsSource | null;
  region: NoticeRegion;
  period: Period;
  sub: 'county' | 'township';
  subTitle: string;
  heading: string;
  today: string;
}

export async function itemsSection(input: SectionInput): Promise<Extract<NoticeSection, { type: 'rectification' }>> {
  const { source, region, period, sub, subTitle } = input;
  const measures = ['rectification.open_items', 'rectification.overdue_items', 'rectification.closed_items', 'rectification.follow_ups', 'rectification.follow_up_pass_rate'];
  const query: RawQuery = source.periodQuery('rectification', measures, period, [`rectification.${sub}_code`, `rectification.${sub}_name`]);
  const ownQuery: RawQuery = source.periodQuery('rectification', measures, period);
  const [rows, ownRows] = await Promise.all([source.run(query), source.run(ownQuery)]);
  const own = ownRows[0] ?? {};
  const n = (r: Record<string, unknown>, m: string) => numberOf(r[`rectification.${m}`]) ?? 0;
  const countsTable: NoticeTable = {
    id: 'rectification:counts',
    title: `各${subTitle}问题整改情况`,
    columns: [subTitle, '未完成', '其中逾期', '本期已整改', '回头看', '回头看通过率'],
    rows: [...rows.map((r) => [
      { text: String(r[`rectification.${sub}_name`] ?? `${subTitle}不详`) },
      { text: String(n(r, 'open_items')), value: n(r, 'open_items') },
      { text: String(n(r, 'overdue_items')), value: n(r, 'overdue_items') },
      { text: String(n(r, 'closed_items')), value: n(r, 'closed_items') },
      { text: String(n(r, 'follow_ups')), value: n(r, 'follow_ups') },
      { text: formatFigure(numberOf(r['rectification.follow_up_pass_rate']), { unit: '%' }), value: numberOf(r['rectification.follow_up_pass_rate']) },
    ]).sort((a, b) => (b[2]!.value ?? 0) - (a[2]!.value ?? 0) || (b[1]!.value ?? 0) - (a[1]!.value ?? 0))],
    queries: [query, ownQuery],
  };
  const summary = `截至${chineseDate(dateRange(period)[1])}，${region.name}未完成整改的问题 ${n(own, 'open_items')} 个，其中逾期 ${n(own, 'overdue_items')} 个；本期完成整改 ${n(own, 'closed_items')} 个，回头看 ${n(own, 'follow_ups')} 个，通过率 ${formatFigure(numberOf(own['rectification.follow_up_pass_rate']), { unit: '%' })}。`;

  if (!input.rectification) {
    return {
      type: 'rectification', heading: input.heading, source: 'counts', items: [],
      paragraphs: [summary, '整改问题逐项清单由整改台账模块提供；本期按整改问题视图的统计数通报。'],
      tables: [countsTable], charts: [],
    };
  }
  const [start, end] = dateRange(period);
  let listed: RectificationListItem[];
  try {
    listed = await input.rectification.list(region, { start, end });
  } catch (e) {
    return {
      type: 'rectification', heading: input.heading, source: 'counts', items: [],
      paragraphs: [summary, `整改台账暂时无法读取（${(e as Error).message}）；本期按整改问题视图的统计数通报。`],
      tables: [countsTable], charts: [],
    };
  }
  const items = listed
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') || a.id.localeCompare(b.id));
  const itemsTable: NoticeTable = {
    id: 'rectification:items',
    title: '整改问题清单（逾期的在前）',
    columns: ['问题编号', '问题', subTitle, '整改期限', '状态', '回头看结果'],
    rows: items.map((i) => [
      { text: i.id }, { text: i.title }, { text: i.county }, { text: i.deadline ?? '—' },
      { text: i.overdue ? `${i.state}（逾期）` : i.state }, { text: i.followUp || '—' },
    ]),
    queries: [],
    note: '清单来自整改台账（GET /api/rectification），统计数来自整改问题视图。',
  };
  return {
    type: 'rectification', heading: input.heading, source: 'items', items,
    paragraphs: [summary], tables: [itemsTable, countsTable], charts: [],
  };
}
