// The 数据比对 page's pure parts: its queries (counts for everyone, rows for the
// roles allowed), the parsing of their results, the drill's paging, and the
// refusal it recognises; the members it names exist in the compiled model.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../cube/compiler.ts';
import {
  DRILL_PAGE_SIZE,
  INTEGRITY,
  INTEGRITY_MEASURES,
  NO_SELECTION,
  buildChecksQuery,
  buildDrillQuery,
  buildIntegrityTrendQuery,
  buildRegionsQuery,
  checkRows,
  drillRows,
  hasSelection,
  isRefusal,
  pageCount,
  pageRangeText,
  regionCountRows,
  selectionTotal,
} from '../dashboard/src/integrity';
import type { Period } from '../dashboard/src/period';
import { rankingLevelFor } from '../dashboard/src/regions';

const march: Period = { granularity: 'month', year: 2025, index: 3 };
const q1: Period = { granularity: 'quarter', year: 2025, index: 1 };
const counties = rankingLevelFor('990100000000')!;
const townships = rankingLevelFor('990101000000')!;
const deaths = { code: 'paid_after_death', title: '死亡后仍发放' };
const countyA = { code: '990101000000', name: '甲区' };

describe('integrity queries', () => {
  it('counts findings per period over the search range', () => {
    expect(buildIntegrityTrendQuery('quarter', new Date(2026, 10, 27))).toEqual({
      measures: ['integrity.findings', 'integrity.persons', 'integrity.amount_yuan'],
      timeDimensions: [{ dimension: 'integrity.month', granularity: 'quarter', dateRange: ['2017-01-01', '2026-12-31'] }],
    });
  });

  it('counts by check within the selected region, and by region of the selected check', () => {
    expect(buildChecksQuery(q1, NO_SELECTION, counties)).toEqual({
      measures: [...INTEGRITY_MEASURES],
      dimensions: ['integrity.check_code', 'integrity.check_title'],
      timeDimensions: [{ dimension: 'integrity.month', granularity: 'quarter', dateRange: ['2025-01-01', '2025-03-31'] }],
    });
    expect(buildChecksQuery(march, { check: deaths, region: countyA }, counties).filters).toEqual([
      { member: 'integrity.county_code', operator: 'equals', values: ['990101000000'] },
    ]);
    expect(buildChecksQuery(march, { check: null, region: { code: null, name: '区县不详' } }, counties).filters).toEqual([
      { member: 'integrity.county_code', operator: 'notSet' },
    ]);
    const regions = buildRegionsQuery(march, { check: deaths, region: countyA }, counties);
    expect(regions.dimensions).toEqual(['integrity.county_code', 'integrity.county_name']);
    expect(regions.filters).toEqual([{ member: 'integrity.check_code', operator: 'equals', values: ['paid_after_death'] }]);
    expect(buildRegionsQuery(march, NO_SELECTION, counties).filters).toBeUndefined();
    expect(buildRegionsQuery(march, NO_SELECTION, townships).dimensions).toEqual(['integrity.township_code', 'integrity.township_name']);
  });

  it('drills to the rows of the selection ungrouped, a page at a time, by month', () => {
    const drill = buildDrillQuery(q1, { check: deaths, region: countyA }, counties, 2);
    expect(drill).toEqual({
      dimensions: [
        'integrity.finding_id',
        'integrity.check_title',
        'integrity.id_number',
        'integrity.person_name',
        'integrity.county_name',
        'integrity.township_name',
        'integrity.evidence',
        'integrity.county_code',
      ],
      measures: ['integrity.amount_yuan'],
      timeDimensions: [{ dimension: 'integrity.month', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }],
      filters: [
        { member: 'integrity.check_code', operator: 'equals', values: ['paid_after_death'] },
        { member: 'integrity.county_code', operator: 'equals', values: ['990101000000'] },
      ],
      ungrouped: true,
      order: [
        ['integrity.month', 'asc'],
        ['integrity.county_code', 'asc'],
        ['integrity.finding_id', 'asc'],
      ],
      limit: DRILL_PAGE_SIZE,
      offset: 2 * DRILL_PAGE_SIZE,
    });
    expect(buildDrillQuery(march, { check: deaths, region: null }, counties, 0).filters).toHaveLength(1);
    expect(hasSelection(NO_SELECTION)).toBe(false);
    expect(hasSelection({ check: null, region: countyA })).toBe(true);
  });
});

describe('integrity members', () => {
  let members: Map<string, string>;
  beforeAll(async () => {
    const model = await compileModel();
    const integrity = (model.metaTransformer.cubes as unknown as { config: { name: string; measures: { name: string }[]; dimensions: { name: string }[] } }[])
      .map((c) => c.config)
      .find((c) => c.name === 'integrity')!;
    members = new Map([...integrity.measures.map((m) => [m.name, 'measure'] as const), ...integrity.dimensions.map((d) => [d.name, 'dimension'] as const)]);
  }, 120_000);

  it('are those of the view', () => {
    for (const m of INTEGRITY_MEASURES) expect(members.get(m), m).toBe('measure');
    for (const d of [INTEGRITY.month, INTEGRITY.checkCode, INTEGRITY.checkTitle, INTEGRITY.findingId, INTEGRITY.idNumber, INTEGRITY.personName, INTEGRITY.countyName, INTEGRITY.townshipName, INTEGRITY.evidence, 'integrity.county_code', 'integrity.township_code']) {
      expect(members.get(d), d).toBe('dimension');
    }
  });
});

describe('integrity results', () => {
  const checks = checkRows([
    { 'integrity.check_code': 'late_payment', 'integrity.check_title': '救助金未按时发放', 'integrity.findings': '2', 'integrity.persons': '2', 'integrity.amount_yuan': '1300.00' },
    { 'integrity.check_code': 'paid_after_death', 'integrity.check_title': '死亡后仍发放', 'integrity.findings': '3', 'integrity.persons': '2', 'integrity.amount_yuan': '1950.00' },
    { 'integrity.check_code': 'multiple_rosters', 'integrity.check_title': '重复在册', 'integrity.findings': '4', 'integrity.persons': '2', 'integrity.amount_yuan': null },
    { 'integrity.check_code': 'pending_overdue', 'integrity.check_title': null, 'integrity.findings': '1', 'integrity.persons': '1', 'integrity.amount_yuan': null },
  ]);
  const regions = regionCountRows(
    [
      { 'integrity.county_code': '990101000000', 'integrity.county_name': '甲区', 'integrity.findings': '5', 'integrity.persons': '4', 'integrity.amount_yuan': '2600' },
      { 'integrity.county_code': null, 'integrity.county_name': '区县不详', 'integrity.findings': '1', 'integrity.persons': '1', 'integrity.amount_yuan': '650' },
    ],
    counties,
  );

  it('lists checks with most findings first, amounts as numbers', () => {
    expect(checks.map((c) => [c.code, c.title, c.findings])).toEqual([
      ['multiple_rosters', '重复在册', 4],
      ['paid_after_death', '死亡后仍发放', 3],
      ['late_payment', '救助金未按时发放', 2],
      ['pending_overdue', 'pending_overdue', 1],
    ]);
    expect(checks[1]).toMatchObject({ persons: 2, amount: 1950 });
    expect(checks[0]!.amount).toBeNull();
  });

  it('keeps findings that could not be placed as their own region', () => {
    expect(regions).toEqual([
      { code: '990101000000', name: '甲区', findings: 5, persons: 4, amount: 2600 },
      { code: null, name: '区县不详', findings: 1, persons: 1, amount: 650 },
    ]);
  });

  it('totals the selection from the counts on screen', () => {
    expect(selectionTotal(checks, regions, NO_SELECTION)).toBeNull();
    expect(selectionTotal(checks, regions, { check: deaths, region: null })).toBe(3);
    expect(selectionTotal(checks, regions, { check: deaths, region: countyA })).toBe(5);
    expect(selectionTotal(checks, regions, { check: null, region: { code: null, name: '区县不详' } })).toBe(1);
    expect(selectionTotal(checks, regions, { check: { code: 'late_decision', title: 'x' }, region: null })).toBe(0);
  });

  it('reads drill rows with their month', () => {
    expect(
      drillRows([
        {
          'integrity.finding_id': 'paid_after_death:1',
          'integrity.check_title': '死亡后仍发放',
          'integrity.id_number': '990101198001120502',
          'integrity.person_name': '在册502',
          'integrity.county_name': '甲区',
          'integrity.township_name': '甲一街道',
          'integrity.evidence': '死亡日期 2025-01-20',
          'integrity.amount_yuan': '650.00',
          'integrity.month.month': '2025-02-01T00:00:00.000',
          'integrity.month': '2025-02-01T00:00:00.000',
        },
        { 'integrity.finding_id': 'x', 'integrity.amount_yuan': null },
      ]),
    ).toEqual([
      {
        findingId: 'paid_after_death:1',
        checkTitle: '死亡后仍发放',
        idNumber: '990101198001120502',
        personName: '在册502',
        county: '甲区',
        township: '甲一街道',
        month: '2025年2月',
        evidence: '死亡日期 2025-01-20',
        amount: 650,
      },
      { findingId: 'x', checkTitle: '', idNumber: '', personName: '', county: '', township: '', month: '', evidence: '', amount: null },
    ]);
  });

  it('pages the drill', () => {
    expect(pageCount(null)).toBe(1);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(20)).toBe(1);
    expect(pageCount(21)).toBe(2);
    expect(pageRangeText(0, 20, 57)).toBe('第 1–20 条，共 57 条');
    expect(pageRangeText(2, 17, 57)).toBe('第 41–57 条，共 57 条');
    expect(pageRangeText(0, 3, null)).toBe('第 1–3 条');
    expect(pageRangeText(0, 0, 0)).toBe('共 0 条');
  });

  it('recognises the gateway’s refusal (403) and nothing else', () => {
    expect(isRefusal(Object.assign(new Error('当前角色（领导）无权查询人员明细成员'), { status: 403 }))).toBe(true);
    expect(isRefusal(Object.assign(new Error('查询格式错误'), { status: 400 }))).toBe(false);
    expect(isRefusal(null)).toBe(false);
  });
});

describe('integrity for a township', () => {
  it('counts and drills without sub-regions', () => {
    expect(rankingLevelFor('990101001000')).toBeNull();
    expect(buildChecksQuery(march, { check: null, region: countyA }, null).filters).toBeUndefined();
    const drill = buildDrillQuery(march, { check: deaths, region: null }, null, 0);
    expect(drill.filters).toEqual([{ member: 'integrity.check_code', operator: 'equals', values: ['paid_after_death'] }]);
    expect(drill.order).toEqual([
      ['integrity.month', 'asc'],
      ['integrity.region_code', 'asc'],
      ['integrity.finding_id', 'asc'],
    ]);
    // the gateway orders only by members the query returns
    const returned = [...drill.dimensions!, ...drill.measures!, ...drill.timeDimensions!.filter((t) => t.granularity).map((t) => t.dimension)];
    for (const [member] of drill.order as [string, string][]) expect(returned).toContain(member);
  });
});
