// Generates a notice document for a period and a region from the Cube views:
// headline figures with 环比/同比, rankings of the sub-regions, targets missed,
// integrity findings, (quarterly) the rectification list, and drafted problems.
import type pg from 'pg';
import type { SemanticLayer } from '../cube/api/semantic-layer.ts';
import { sortRegions } from '../dashboard/src/charts/ranking.ts';
import { colors, seriesColor } from '../dashboard/src/theme.ts';
import { fill, type FigureRef, type NoticeConfig, type Target } from './config.ts';
import { CubeSource, NoticeError, numberOf, type MemberInfo, type RawQuery, type Row } from './cube-source.ts';
import type { Cell, Figure, NoticeChart, NoticeDocument, NoticeSection, NoticeTable, SectionOf, TargetMiss } from './document.ts';
import { describeChange, formatFigure, NO_DATA } from './format.ts';
import { dateRange, kindOf, parseNoticePeriod, periodCode, periodLabel, previousPeriod, samePeriodLastYear, shiftPeriod, type NoticeKind, type Period } from './period.ts';
import { draftProblems } from './problems.ts';
import { itemsSection, type RectificationItemsSource } from './rectification-source.ts';
import { latestBatchId, resolveRegion, type NoticeRegion } from './regions.ts';

export interface GenerateRequest {
  period: string;
  region?: string;
  kind?: NoticeKind;
  corrects?: NoticeDocument['corrects'];
  /** Today's date (YYYY-MM-DD) for deadlines; defaults to now. */
  today?: string;
}

export interface GenerateDeps {
  layer: SemanticLayer;
  pool: pg.Pool;
  config: NoticeConfig;
  rectification?: RectificationItemsSource | null;
}

/** A sub-region's values of one member: current, previous and the one before. */
export interface RegionSeries {
  code: string;
  name: string;
  values: [current: number | null, previous: number | null, beforePrevious: number | null];
}

const SUB_TITLES = { county: '区县', township: '乡镇（街道）' } as const;

/** Compares with a tolerance, so 99.9999999 % from a ratio never misses 100 % by rounding. */
export function meetsTarget(value: number, op: Target['op'], target: number): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(target));
  return op === '>=' ? value >= target - eps : value <= target + eps;
}

/** Ranks best first; equal values share a rank (1, 2, 2, 4); no data, no rank. */
export function rankRegions<T extends { name: string; value: number | null }>(regions: readonly T[], higherIsBetter: boolean): (T & { rank: number | null })[] {
  const sorted = sortRegions(regions, higherIsBetter);
  let rank = 0;
  return sorted.map((r, i) => {
    if (r.value == null) return { ...r, rank: null };
    const prev = sorted[i - 1];
    if (!prev || prev.value == null || Math.abs(prev.value - r.value) > 1e-9) rank = i + 1;
    return { ...r, rank };
  });
}

export async function generateNotice(deps: GenerateDeps, request: GenerateRequest): Promise<NoticeDocument> {
  const { template, targets } = deps.config;
  const period = parseNoticePeriod(request.period);
  const kind = kindOf(period, request.kind);
  const region = await resolveRegion(deps.pool, request.region);
  const source = new CubeSource(deps.layer, region.code);
  const sub = region.level === 'city' ? 'county' : 'township';
  const subTitle = SUB_TITLES[sub];
  const today = request.today ?? new Date().toISOString().slice(0, 10);
  const periods = { current: period, previous: previousPeriod(period), before: shiftPeriod(period, -2), yearAgo: samePeriodLastYear(period) };

  // Every member the notice needs, grouped by view, so each view is asked once per period.
  const headlineRefs: FigureRef[] = template.figures.flatMap((g) => g.members);
  const wanted = new Set<string>([
    ...headlineRefs.map((f) => f.member), ...template.ranking, ...targets.map((t) => t.member),
    ...template.charts.map((c) => c.member), 'rectification.overdue_items',
  ]);
  const byView = new Map<string, string[]>();
  for (const m of wanted) {
    const info = source.member(m);
    byView.set(info.view, [...(byView.get(info.view) ?? []), m]);
  }
  const subDims = (view: string) => [`${view}.${sub}_code`, `${view}.${sub}_name`];

  /** The region's own value of `member` in `p`, and the query it came from. */
  const own = async (member: string, p: Period): Promise<{ value: number | null; query: RawQuery }> => {
    const info = source.member(member);
    const query = source.periodQuery(info.view, byView.get(info.view)!, p);
    const rows = await source.run(query);
    return { value: numberOf(rows[0]?.[member]), query };
  };
  /** Every sub-region's value of `member` in `p`. */
  const subs = async (member: string, p: Period): Promise<{ rows: { code: string; name: string; value: number | null }[]; query: RawQuery }> => {
    const info = source.member(member);
    const [codeDim, nameDim] = subDims(info.view) as [string, string];
    const query = source.periodQuery(info.view, byView.get(info.view)!, p, [codeDim, nameDim]);
    const rows = await source.run(query);
    return { rows: rows.filter((r) => r[codeDim] != null).map((r) => ({ code: String(r[codeDim]), name: String(r[nameDim] ?? r[codeDim]), value: numberOf(r[member]) })), query };
  };

  // A period without data: none of the views has a row for the region.
  const present = await Promise.all([...byView.entries()].filter(([view]) => view !== 'standards' && view !== 'rectification').map(async ([view, measures]) =>
    (await source.run(source.periodQuery(view, measures, period))).length > 0));
  if (!present.some(Boolean)) {
    throw new NoticeError(`${periodLabel(period)}没有数据：${region.name}在该期没有已导入的名单、发放或业务数据，请先导入该期数据（npm run etl -- load 目录）`, 422);
  }

  const figure = async (ref: FigureRef): Promise<Figure> => {
    const info = source.member(ref.member);
    const u = { unit: info.unit, display: ref.unit, digits: ref.digits };
    const [cur, prev, ago] = await Promise.all([own(ref.member, periods.current), own(ref.member, periods.previous), own(ref.member, periods.yearAgo)]);
    return {
      member: ref.member, title: info.title, unit: info.unit, displayUnit: ref.unit ?? info.unit, higherIsBetter: info.higherIsBetter,
      value: cur.value, text: formatFigure(cur.value, u),
      previous: prev.value, previousText: formatFigure(prev.value, u),
      yearAgo: ago.value, yearAgoText: formatFigure(ago.value, u),
      mom: describeChange(cur.value, prev.value, info.unit),
      yoy: describeChange(cur.value, ago.value, info.unit),
      query: cur.query, previousQuery: prev.query, yearAgoQuery: ago.query,
    };
  };

  // 1) headline
  const groups = await Promise.all(template.figures.map(async (g) => ({ title: g.group, figures: await Promise.all(g.members.map(figure)) })));
  const headlineParagraphs = groups.map((g, i) => `（${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'][i] ?? i + 1}）${g.title}。` + g.figures.map((f) =>
    f.value == null ? `${f.title}${NO_DATA}` : `${f.title}为 ${f.text}，环比${f.mom.text}，同比${f.yoy.text}`).join('；') + '。');
  const headlineTable: NoticeTable = {
    id: 'headline',
    title: `${region.name}${periodLabel(period)}主要指标`,
    columns: ['类别', '指标', '本期', '上期', '环比', '上年同期', '同比'],
    rows: groups.flatMap((g) => g.figures.map((f): Cell[] => [
      { text: g.title }, { text: f.title }, { text: f.text, value: f.value }, { text: f.previousText, value: f.previous },
      { text: f.mom.text }, { text: f.yearAgoText, value: f.yearAgo }, { text: f.yoy.text },
    ])),
    queries: [...new Map(groups.flatMap((g) => g.figures.flatMap((f) => [f.query, f.previousQuery, f.yearAgoQuery])).map((q) => [JSON.stringify(q), q])).values()],
  };

  // 2) ranking, and the series behind "worse two periods in a row"
  const series = new Map<string, { own: [number | null, number | null, number | null]; regions: RegionSeries[] }>();
  const rankingTables: NoticeTable[] = [];
  for (const member of template.ranking) {
    const info = source.member(member);
    const [cur, prev, before, ownValues] = await Promise.all([
      subs(member, periods.current), subs(member, periods.previous), subs(member, periods.before),
      Promise.all([own(member, periods.current), own(member, periods.previous), own(member, periods.before)]),
    ]);
    const codes = new Map<string, string>();
    for (const r of [...cur.rows, ...prev.rows, ...before.rows]) if (!codes.has(r.code)) codes.set(r.code, r.name);
    const valueIn = (rows: { code: string; value: number | null }[], code: string) => rows.find((r) => r.code === code)?.value ?? null;
    const regions: RegionSeries[] = [...codes].map(([code, name]) => ({ code, name, values: [valueIn(cur.rows, code), valueIn(prev.rows, code), valueIn(before.rows, code)] }));
    series.set(member, { own: ownValues.map((o) => o.value) as [number | null, number | null, number | null], regions });
    const u = { unit: info.unit };
    const ranked = rankRegions(regions.map((r) => ({ ...r, value: r.values[0] })), info.higherIsBetter ?? true);
    rankingTables.push({
      id: `ranking:${member}`,
      title: `各${subTitle}${info.title}${info.higherIsBetter === false ? '（由低到高）' : ''}`,
      columns: ['名次', subTitle, '本期', '上期', '环比'],
      rows: [
        ...ranked.map((r): Cell[] => [
          { text: r.rank == null ? '—' : String(r.rank), value: r.rank }, { text: r.name },
          { text: formatFigure(r.value, u), value: r.value }, { text: formatFigure(r.values[1], u), value: r.values[1] },
          { text: describeChange(r.value, r.values[1], info.unit).text },
        ]),
        [{ text: '' }, { text: region.level === 'city' ? '全市' : '全县（区）' }, { text: formatFigure(ownValues[0].value, u), value: ownValues[0].value },
          { text: formatFigure(ownValues[1].value, u), value: ownValues[1].value }, { text: describeChange(ownValues[0].value, ownValues[1].value, info.unit).text }],
      ],
      queries: [cur.query, prev.query],
    });
  }

  // 3) targets missed, by the region itself and its sub-regions
  const misses: TargetMiss[] = [];
  for (const t of targets) {
    const info = source.member(t.member);
    const u = { unit: info.unit };
    const [ownNow, subNow] = await Promise.all([own(t.member, periods.current), subs(t.member, periods.current)]);
    const candidates = [{ code: region.code, name: region.name, value: ownNow.value }, ...subNow.rows];
    const missed = candidates.filter((c): c is { code: string; name: string; value: number } => c.value != null && !meetsTarget(c.value, t.op, t.value));
    misses.push({
      member: t.member, label: t.label, op: t.op, target: t.value, targetText: `${t.op === '>=' ? '不低于' : '不高于'}${formatFigure(t.value, u)}`,
      regions: missed.map((m) => ({ code: m.code, name: m.name, value: m.value, text: formatFigure(m.value, u) })),
      query: subNow.query,
    });
  }
  const missedSubNames = [...new Set(misses.flatMap((m) => m.regions.filter((r) => r.code !== region.code).map((r) => r.name)))];
  const targetsTable: NoticeTable = {
    id: 'targets',
    title: '未达到目标要求情况',
    columns: ['目标要求', '区划', '本期数值', '目标'],
    rows: misses.flatMap((m) => m.regions.map((r): Cell[] => [{ text: m.label }, { text: r.name }, { text: r.text, value: r.value }, { text: m.targetText }])),
    queries: misses.map((m) => m.query),
  };

  // 4) integrity findings of the period, by check and sub-region (counts only)
  const integrityQuery: RawQuery = {
    measures: ['integrity.findings'],
    dimensions: ['integrity.check_title', `integrity.${sub}_code`, `integrity.${sub}_name`],
    timeDimensions: [{ dimension: 'integrity.month', dateRange: dateRange(period) }],
    order: [['integrity.check_title', 'asc'], [`integrity.${sub}_code`, 'asc']],
  };
  const integrityRows = (await source.run(integrityQuery)).map((r) => ({
    check: String(r['integrity.check_title']), region: String(r[`integrity.${sub}_name`] ?? `${subTitle}不详`), findings: numberOf(r['integrity.findings']) ?? 0,
  }));
  const byCheck = new Map<string, number>();
  for (const r of integrityRows) byCheck.set(r.check, (byCheck.get(r.check) ?? 0) + r.findings);
  // the checks with most findings first, and within a check the regions with most
  integrityRows.sort((a, b) => byCheck.get(b.check)! - byCheck.get(a.check)! || a.check.localeCompare(b.check, 'zh-CN') || b.findings - a.findings || a.region.localeCompare(b.region, 'zh-CN'));
  const checksInOrder = [...new Set(integrityRows.map((r) => r.check))];
  const integrityTotal = [...byCheck.values()].reduce((a, b) => a + b, 0);

  // 5) quarterly: the rectification list
  const rectification = kind === 'quarterly'
    ? await itemsSection({ source, rectification: deps.rectification ?? null, region, period, sub, subTitle, heading: template.sections.rectification, today })
    : null;

  // 6) problems and requirements drafted from the figures
  const overdueRegions = (await subs('rectification.overdue_items', periods.current)).rows.filter((r) => (r.value ?? 0) > 0)
    .map((r) => ({ code: r.code, name: r.name, count: r.value! }));
  const drafted = draftProblems({
    template, region, subTitle, today, allSubs: `各${subTitle}`, issuer: fill(template.document.issuer, { region: region.name }),
    falling: template.ranking.map((member) => ({ info: source.member(member), ...series.get(member)! })),
    misses: misses.map((m) => ({ ...m, info: source.member(m.member) })),
    overdue: overdueRegions,
  });

  // charts, from the same option builders as the dashboard
  const charts: NoticeChart[] = [];
  for (const [i, c] of template.charts.entries()) {
    const info = source.member(c.member);
    const target = targets.find((t) => t.member === c.member)?.value ?? null;
    if (c.type === 'ranking') {
      const { rows, query } = await subs(c.member, period);
      const ownNow = await own(c.member, period);
      charts.push({
        id: `chart:${i}`, kind: 'ranking', caption: `各${subTitle}${info.title}`,
        input: { title: info.title, unit: info.unit, higherIsBetter: info.higherIsBetter ?? true, regions: rows.map((r) => ({ name: r.name, value: r.value })), referenceValue: ownNow.value, referenceLabel: region.level === 'city' ? '全市' : '全县', color: seriesColor(i), target },
        queries: [query, ownNow.query],
      });
    } else {
      const length = period.granularity === 'month' ? 12 : 8;
      const first = shiftPeriod(period, -(length - 1));
      const query: RawQuery = { measures: [c.member], timeDimensions: [{ dimension: `${info.view}.month`, granularity: period.granularity, dateRange: [dateRange(first)[0], dateRange(period)[1]] }] };
      const rows = await source.run(query);
      const points = Array.from({ length }, (_, k) => {
        const p = shiftPeriod(first, k);
        const row = rows.find((r) => String(r[`${info.view}.month.${period.granularity}`] ?? '').startsWith(dateRange(p)[0]));
        return { period: p, value: numberOf(row?.[c.member]) };
      });
      charts.push({
        id: `chart:${i}`, kind: 'trend', caption: `${region.name}${info.title}走势`,
        input: { title: info.title, unit: info.unit, points, selected: period, color: seriesColor(i) || colors.primary, target },
        queries: [query],
      });
    }
  }

  const headings = template.sections;
  const fillSub = (s: string) => fill(s, { sub: subTitle });
  const sections: NoticeSection[] = [
    { type: 'headline', heading: headings.headline, paragraphs: headlineParagraphs, tables: [headlineTable], charts: charts.filter((c) => c.kind === 'trend'), groups },
    {
      type: 'ranking', heading: fillSub(headings.ranking),
      paragraphs: [`按${template.ranking.length}项主要指标对各${subTitle}排名如下（比率类指标由高到低，${'用时、逾期类指标由低到高'}；无数据的不排名）。`],
      tables: rankingTables, charts: charts.filter((c) => c.kind === 'ranking'),
    },
    {
      type: 'targets', heading: fillSub(headings.targets),
      paragraphs: [missedSubNames.length === 0 && misses.every((m) => m.regions.length === 0)
        ? `本期各${subTitle}均达到目标要求。`
        : misses.filter((m) => m.regions.length > 0).map((m) => `${m.label}：${m.regions.map((r) => `${r.name}（${r.text}）`).join('、')}未达到要求`).join('；') + '。'],
      tables: targetsTable.rows.length > 0 ? [targetsTable] : [], charts: [], misses,
    },
    {
      type: 'integrity', heading: headings.integrity,
      paragraphs: [integrityTotal === 0 ? '本期数据比对未发现问题。'
        : `本期数据比对共发现问题 ${integrityTotal.toLocaleString('en-US')} 条，其中${checksInOrder.map((c) => `${c} ${byCheck.get(c)!.toLocaleString('en-US')} 条`).join('、')}。问题明细已推送各地核查处理。`],
      tables: integrityRows.length === 0 ? [] : [{
        id: 'integrity', title: `数据比对问题（按比对项目和${subTitle}）`, columns: ['比对项目', subTitle, '问题数'],
        rows: integrityRows.map((r) => [{ text: r.check }, { text: r.region }, { text: r.findings.toLocaleString('en-US'), value: r.findings }]),
        queries: [integrityQuery],
      }],
      charts: [], total: integrityTotal,
    },
    ...(rectification ? [rectification] : []),
    { type: 'problems', heading: headings.problems, paragraphs: [], tables: [], charts: [], problems: drafted.problems, requirements: drafted.requirements, edited: false },
  ];

  // figures are numbered in the order they appear
  let chartNo = 0;
  for (const s of sections) for (const c of s.charts) c.caption = `图${++chartNo} ${c.caption}`;
  const regionTitle = region.name;
  return {
    version: 1,
    kind,
    period: { code: periodCode(period), label: periodLabel(period), start: dateRange(period)[0], end: dateRange(period)[1], granularity: period.granularity as 'month' | 'quarter' },
    region,
    subLevel: sub,
    subLevelTitle: subTitle,
    title: (request.corrects ? '（更正）' : '') + fill(template.kinds[kind].title, { period: periodLabel(period), region: regionTitle }),
    issuer: fill(template.document.issuer, { region: region.name }),
    recipients: template.document.recipients[region.level],
    copyTo: template.document.copy_to,
    number: null,
    issuedOn: null,
    corrects: request.corrects ?? null,
    intro: (request.corrects
      ? `${request.corrects.number ?? '原'}通报（《${request.corrects.title}》）所用数据经更正后重新计算，现将更正后的情况通报如下，原通报作废。`
      : '') + `现将${periodLabel(period)}${region.name}社会救助工作情况通报如下：`,
    generatedAt: new Date().toISOString(),
    dataBatchId: await latestBatchId(deps.pool),
    sections,
  };
}

export type { NoticeRegion, SectionOf, MemberInfo, Row };
