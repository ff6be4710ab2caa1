import { describe, expect, it } from 'vitest';
import { parseQuery, QueryError } from '../cube/api/query.ts';
import { ForbiddenError, grainOfRange, policyFromMeta, rewriteQuery } from '../cube/api/query-rewrite.ts';
import { regionScope, type SecurityContext } from '../cube/api/security.ts';

const snapshotMeta = {
  periodic_snapshot: {
    time_dimension: 'month', grain_dimension: 'period_grain', granularities: ['month', 'quarter', 'year'],
    level_dimension: 'region_level', region_code_dimension: 'region_code',
    levels: { city: ['city_code', 'city_name'], county: ['county_code', 'county_name'], township: ['township_code', 'township_name'] },
  },
};
const policies = new Map([
  ['indicators', policyFromMeta('indicators', snapshotMeta)],
  ['plain', policyFromMeta('plain', undefined)],
]);
const admin: SecurityContext = { role: 'admin', region: '990100000000' };
const q = (extra: object) => parseQuery({ measures: ['indicators.low_income_persons'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }], ...extra });
const added = (query: ReturnType<typeof q>, ctx = admin) => rewriteQuery(query, ctx, policies).filters.slice(query.filters.length) as { member: string; operator: string; values?: string[] }[];

describe('region scope of a code', () => {
  it.each([
    ['990000000000', '99', 'city'],
    ['990100000000', '9901', 'city'],
    ['990102000000', '990102', 'county'],
    ['990102003000', '990102003', 'township'],
    ['990102003004', '990102003004', 'township'],
  ])('%s', (code, prefix, level) => expect(regionScope(code)).toEqual({ prefix, level }));
});

describe('grain of a date range', () => {
  it.each([
    [['2025-02-01', '2025-02-28'], 'month'],
    [['2024-02-01', '2024-02-29'], 'month'],
    [['2025-04-01', '2025-06-30'], 'quarter'],
    [['2025-01-01', '2025-12-31'], 'year'],
    [['2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999'], 'quarter'],
    [['2025-02-01', '2025-04-30'], null],
    [['2025-01-02', '2025-01-31'], null],
  ])('%j → %s', (range, grain) => expect(grainOfRange(range as [string, string])).toBe(grain));
});

describe('query rewrite', () => {
  it('picks the grain from the granularity and the city level by default', () => {
    expect(added(q({ timeDimensions: [{ dimension: 'indicators.month', granularity: 'quarter' }] }))).toEqual([
      { member: 'indicators.period_grain', operator: 'equals', values: ['quarter'] },
      { member: 'indicators.region_level', operator: 'equals', values: ['city'] },
    ]);
  });

  it('takes the finest region member from dimensions, filters and order', () => {
    expect(added(q({ dimensions: ['indicators.city_name', 'indicators.county_name'] }))[1]!.values).toEqual(['county']);
    expect(added(q({ filters: [{ member: 'indicators.township_code', operator: 'equals', values: ['990102003000'] }] }))[1]!.values).toEqual(['township']);
    expect(added(q({ filters: [{ or: [{ member: 'indicators.county_code', operator: 'set' }] }] }))[1]!.values).toEqual(['county']);
  });

  it('restricts non-admin tokens to their region, at their level at least', () => {
    const county = { role: 'staff' as const, region: '990102000000' };
    expect(added(q({}), county)).toEqual([
      { member: 'indicators.county_code', operator: 'equals', values: ['990102000000'] },
      { member: 'indicators.period_grain', operator: 'equals', values: ['month'] },
      { member: 'indicators.region_level', operator: 'equals', values: ['county'] },
    ]);
  });

  it('scopes township and province tokens by the code of their level', () => {
    const township = added(q({}), { role: 'staff', region: '990102003000' });
    expect(township[0]).toEqual({ member: 'indicators.township_code', operator: 'equals', values: ['990102003000'] });
    expect(township[2]!.values).toEqual(['township']);
    const province = added(q({}), { role: 'leader', region: '990000000000' });
    expect(province[0]).toEqual({ member: 'indicators.city_code', operator: 'startsWith', values: ['99'] });
    expect(province[2]!.values).toEqual(['city']);
    const village = added(q({}), { role: 'staff', region: '990102003004' });
    expect(village[0]).toEqual({ member: 'indicators.region_code', operator: 'startsWith', values: ['990102003004'] });
  });

  it('denies non-admin tokens datasets without a region member', () => {
    const query = parseQuery({ measures: ['plain.count'] });
    expect(() => rewriteQuery(query, { role: 'leader', region: '990100000000' }, policies)).toThrow(ForbiddenError);
    expect(rewriteQuery(query, admin, policies).filters).toEqual([]);
  });

  it('refuses unknown datasets, reserved members and finer granularities', () => {
    expect(() => rewriteQuery(parseQuery({ measures: ['secret.count'] }), admin, policies)).toThrow(QueryError);
    expect(() => added(q({ dimensions: ['indicators.region_level'] }))).toThrow(/由服务端/);
    expect(() => added(q({ timeDimensions: [{ dimension: 'indicators.month', granularity: 'week' }] }))).toThrow(/不支持粒度/);
    expect(() => added(q({ timeDimensions: [{ dimension: 'indicators.month', dateRange: ['2025-01-01', '2025-02-28'] }] }))).toThrow(/指定粒度/);
  });
});

describe('query parsing', () => {
  it('accepts the legacy dimension key in filters and both order forms', () => {
    const query = parseQuery({ measures: ['a.b'], filters: [{ dimension: 'a.c', operator: 'equals', values: [1] }], order: [['a.b', 'desc']] });
    expect(query.filters[0]).toEqual({ member: 'a.c', operator: 'equals', values: ['1'] });
    expect(parseQuery({ measures: ['a.b'], order: { 'a.b': 'asc' } }).order).toEqual({ 'a.b': 'asc' });
  });
  it.each([
    ['{', '不是有效的 JSON'],
    [{ measures: ['a.b'], bogus: 1 }, '查询格式错误'],
    [{ measures: ['a.b'], filters: [{ member: 'a.c', operator: 'like' }] }, '查询格式错误'],
    [{}, '至少需要一个度量或维度'],
  ])('rejects %j', (input, message) => expect(() => parseQuery(input)).toThrow(message));
});

describe('restricted members', () => {
  const restrictedPolicies = new Map([
    ['integrity', policyFromMeta('integrity', {
      region_code_dimension: 'region_code',
      restricted_members: {
        members: ['id_number', 'person_name', 'evidence', 'finding_id'], roles: ['admin', 'inspector', 'staff'],
        masked: { id_number: 'id_number', person_name: 'name', evidence: 'text', finding_id: 'text' }, reveal_key: 'finding_id',
      },
    })],
    ['indicators', policyFromMeta('indicators', snapshotMeta)],
  ]);
  const leader: SecurityContext = { role: 'leader', region: '990100000000' };
  const inspector: SecurityContext = { role: 'inspector', region: '990102000000' };
  const rewrite = (query: object, ctx: SecurityContext) => rewriteQuery(parseQuery(query), ctx, restrictedPolicies);

  it('reads the restriction from the view meta', () => {
    expect(restrictedPolicies.get('integrity')!.restricted).toEqual({
      members: ['id_number', 'person_name', 'evidence', 'finding_id'],
      roles: ['admin', 'inspector', 'staff'],
      masked: { id_number: 'id_number', person_name: 'name', evidence: 'text', finding_id: 'text' },
      reveal_key: 'finding_id',
    });
    expect(() => policyFromMeta('x', { restricted_members: { members: ['a'], roles: ['admin'], masked: { a: 'scramble' } } })).toThrow();
    expect(restrictedPolicies.get('indicators')!.restricted).toBeNull();
    expect(() => policyFromMeta('x', { restricted_members: { members: ['a'], roles: ['chief'] } })).toThrow();
    expect(() => policyFromMeta('x', { restricted_members: { members: [], roles: ['admin'] } })).toThrow();
  });

  it.each([
    ['a dimension', { measures: ['integrity.findings'], dimensions: ['integrity.id_number'] }, 'integrity.id_number'],
    ['an ungrouped drill', { dimensions: ['integrity.check_code', 'integrity.finding_id'], ungrouped: true }, 'integrity.finding_id'],
    ['a nested filter', { measures: ['integrity.findings'], filters: [{ and: [{ or: [{ member: 'integrity.person_name', operator: 'contains', values: ['张'] }] }] }] }, 'integrity.person_name'],
    ['the order', { measures: ['integrity.findings'], order: [['integrity.evidence', 'asc']] }, 'integrity.evidence'],
  ])('refuses a role not listed when %s names a restricted member', (_where, query, member) => {
    expect(() => rewrite(query, leader)).toThrow(ForbiddenError);
    expect(() => rewrite(query, leader)).toThrow(`当前角色（领导）无权查询人员明细成员 ${member}`);
  });

  it('names every restricted member the query uses', () => {
    expect(() => rewrite({ dimensions: ['integrity.id_number', 'integrity.person_name'], measures: ['integrity.findings'] }, leader))
      .toThrow('integrity.id_number、integrity.person_name，仅限管理员、督查人员、工作人员');
  });

  it('lets a listed role through, still restricted to its region', () => {
    const query = { measures: ['integrity.findings'], dimensions: ['integrity.id_number', 'integrity.evidence'] };
    expect(rewrite(query, inspector).filters).toEqual([{ member: 'integrity.region_code', operator: 'startsWith', values: ['990102'] }]);
    expect(rewrite(query, admin).filters).toEqual([]);
  });

  it('lets any role use the other members, including measures counting persons', () => {
    const query = { measures: ['integrity.findings', 'integrity.persons', 'integrity.amount_yuan'], dimensions: ['integrity.check_code', 'integrity.county_name'] };
    expect(rewrite(query, leader).filters).toEqual([{ member: 'integrity.region_code', operator: 'startsWith', values: ['9901'] }]);
  });

  it('does not restrict members of the same name in another view', () => {
    const query = { measures: ['indicators.low_income_persons'], dimensions: ['indicators.region_code'], timeDimensions: [{ dimension: 'indicators.month', granularity: 'month' }] };
    expect(() => rewrite(query, leader)).not.toThrow();
  });
});
