// The members of the catalogue views (cube/model/views/*.yml) that the
// 基本生活救助, 临时救助 and 监测预警 pages show, and how they are grouped into
// cards, breakdowns, trends and rankings. Titles, units and directions come
// from /meta; this module only names members.

/** A value shown on a card: a measure, its parts when it is a ratio, and small-print variants. */
export interface MetricSpec {
  /** Stable key: the card's `data-testid` is `indicator-card-<key>`. */
  key: string;
  member: string;
  numerator?: string;
  denominator?: string;
  related?: readonly RelatedSpec[];
}

export interface RelatedSpec {
  member: string;
  numerator?: string;
  denominator?: string;
}

/** One bar of a breakdown built from measures (e.g. 城市低保人数, 农村低保人数), with tooltip extras. */
export interface MeasureBarSpec {
  member: string;
  extras?: readonly string[];
}

/** A breakdown of the selected period: bars from measures of the trend row. */
export interface MeasureBreakdownSpec {
  key: string;
  /** Panel title. */
  title: string;
  bars: readonly MeasureBarSpec[];
  /** Show each bar's share of the bars' total. */
  showShare: boolean;
}

/** A breakdown of the selected period by a dimension of a view (its own query). */
export interface DimensionBreakdownSpec {
  key: string;
  view: string;
  dimension: string;
  /** The bar length. */
  member: string;
  /** Further measures shown in the tooltip. */
  extras: readonly string[];
  /** Categories in this order (others after, by value); otherwise by value, largest first. */
  order?: readonly string[];
  /** A colour per category (warning levels in their own colours). */
  colors?: Readonly<Record<string, string>>;
  /** Rows whose category is empty: dropped (e.g. warnings not yet handled have no outcome). */
  dropEmpty?: boolean;
  showShare: boolean;
}

/** A measure ranked across sub-regions; `reference` draws the whole region's value (ratios only). */
export interface RankingSpec {
  member: string;
  reference: boolean;
}

/** One periodic-snapshot view a page reads: its trend members and its county rankings. */
export interface ViewSpec {
  view: string;
  /** Every measure of the trend query (cards, measure breakdowns, trends). */
  measures: readonly string[];
  rankings: readonly RankingSpec[];
}

export const timeDimensionOf = (view: string) => `${view}.month`;

const member = (view: string) => (name: string) => `${view}.${name}`;
const bl = member('basic_living');
const li = member('low_income');
const bf = member('benefits');
const st = member('standards');
const tr = member('temp_relief');
const wa = member('warnings');
const ve = member('verifications');
const ap = member('applications');

/** Every measure a page's specs name in `view`, without duplicates, in order of appearance. */
export function measuresOf(view: string, specs: readonly (MetricSpec | RelatedSpec | MeasureBarSpec | RankingSpec)[]): string[] {
  const names = new Set<string>();
  const add = (m: string | undefined) => {
    if (m && m.startsWith(`${view}.`)) names.add(m);
  };
  for (const s of specs) {
    add(s.member);
    if ('numerator' in s) add(s.numerator);
    if ('denominator' in s) add(s.denominator);
    if ('extras' in s) s.extras?.forEach(add);
    if ('related' in s) s.related?.forEach((r) => [r.member, r.numerator, r.denominator].forEach(add));
  }
  return [...names];
}

// ---------------------------------------------------------------- 基本生活救助

export const LIVING_CARDS: readonly MetricSpec[] = [
  {
    key: 'dibao_persons',
    member: bl('dibao_persons'),
    related: [{ member: bl('dibao_households') }, { member: bl('urban_dibao_persons') }, { member: bl('rural_dibao_persons') }],
  },
  {
    key: 'tekun_persons',
    member: bl('tekun_persons'),
    related: [{ member: bl('tekun_institutional_persons') }, { member: bl('tekun_at_home_persons') }],
  },
  { key: 'low_income_persons', member: li('low_income_persons'), related: [{ member: li('low_income_households') }] },
  {
    key: 'dibao_average_benefit',
    member: bf('dibao_average_benefit'),
    numerator: bf('dibao_roster_benefit'),
    denominator: bf('dibao_roster_persons'),
  },
  { key: 'paid_on_time_rate', member: bf('paid_on_time_rate'), numerator: bf('payments_on_time'), denominator: bf('payments') },
  {
    key: 'rural_urban_standard_ratio',
    member: st('rural_urban_standard_ratio'),
    related: [
      { member: st('urban_dibao_standard') },
      { member: st('rural_dibao_standard') },
      // the city's figure is a mean of its counties when it has none of its own: the range beside it
      { member: st('urban_dibao_standard_min') },
      { member: st('urban_dibao_standard_max') },
      { member: st('rural_dibao_standard_min') },
      { member: st('rural_dibao_standard_max') },
    ],
  },
];

export const LIVING_BREAKDOWNS: readonly MeasureBreakdownSpec[] = [
  {
    key: 'dibao_urban_rural',
    title: '低保对象城乡构成',
    bars: [
      { member: bl('urban_dibao_persons'), extras: [bl('urban_dibao_households')] },
      { member: bl('rural_dibao_persons'), extras: [bl('rural_dibao_households')] },
    ],
    showShare: true,
  },
  {
    key: 'tekun_care_mode',
    title: '特困人员供养方式',
    bars: [{ member: bl('tekun_institutional_persons') }, { member: bl('tekun_at_home_persons') }],
    showShare: true,
  },
  {
    key: 'tekun_care_level',
    title: '特困人员护理等级',
    bars: [{ member: bl('tekun_self_care_persons') }, { member: bl('tekun_half_care_persons') }, { member: bl('tekun_full_care_persons') }],
    showShare: true,
  },
  {
    key: 'low_income_category',
    title: '低收入人口类别',
    bars: [
      { member: li('tekun_persons') },
      { member: li('dibao_persons') },
      { member: li('dibao_margin_persons') },
      { member: li('rigid_expense_persons') },
      { member: li('other_hardship_persons') },
    ],
    showShare: true,
  },
];

export const LIVING_TRENDS: readonly string[] = [
  bl('dibao_persons'),
  bl('tekun_persons'),
  bf('dibao_average_benefit'),
  st('rural_urban_standard_ratio'),
];

const livingSpecs = [...LIVING_CARDS, ...LIVING_BREAKDOWNS.flatMap((b) => b.bars), ...LIVING_TRENDS.map((m) => ({ member: m }))];

export const LIVING_VIEWS: readonly ViewSpec[] = [
  {
    view: 'basic_living',
    measures: measuresOf('basic_living', livingSpecs),
    rankings: [
      { member: bl('dibao_persons'), reference: false },
      { member: bl('tekun_persons'), reference: false },
    ],
  },
  { view: 'low_income', measures: measuresOf('low_income', livingSpecs), rankings: [{ member: li('low_income_persons'), reference: false }] },
  {
    view: 'benefits',
    measures: measuresOf('benefits', livingSpecs),
    rankings: [
      { member: bf('dibao_average_benefit'), reference: true },
      { member: bf('paid_on_time_rate'), reference: true },
    ],
  },
  { view: 'standards', measures: measuresOf('standards', livingSpecs), rankings: [{ member: st('rural_urban_standard_ratio'), reference: true }] },
];

/** Ranking panels of the page in display order (each names its view's member). */
export const LIVING_RANKINGS: readonly string[] = [
  bl('dibao_persons'),
  bl('tekun_persons'),
  bf('dibao_average_benefit'),
  bf('paid_on_time_rate'),
  st('rural_urban_standard_ratio'),
  li('low_income_persons'),
];

// ---------------------------------------------------------------- 临时救助

export const RELIEF_CARDS: readonly MetricSpec[] = [
  { key: 'temp_relief_amount', member: tr('temp_relief_amount') },
  { key: 'temp_relief_person_times', member: tr('temp_relief_person_times'), related: [{ member: tr('temp_relief_acts') }] },
  {
    key: 'temp_relief_per_capita',
    member: tr('temp_relief_per_capita'),
    numerator: tr('temp_relief_amount'),
    denominator: tr('temp_relief_person_times'),
  },
];

const reliefBreakdown = (key: string, dimension: string): DimensionBreakdownSpec => ({
  key,
  view: 'temp_relief',
  dimension: tr(dimension),
  member: tr('temp_relief_amount'),
  extras: [tr('temp_relief_person_times'), tr('temp_relief_per_capita'), tr('temp_relief_acts')],
  showShare: true,
});

export const RELIEF_BREAKDOWNS: readonly DimensionBreakdownSpec[] = [
  { ...reliefBreakdown('relief_type', 'relief_type'), order: ['急难型', '支出型'] },
  reliefBreakdown('hardship_cause', 'hardship_cause'),
  { ...reliefBreakdown('approval_route', 'approval_route'), order: ['乡镇备用金审批', '县级审批', '先行救助后补手续'] },
];

export const RELIEF_TRENDS: readonly string[] = [tr('temp_relief_amount'), tr('temp_relief_person_times'), tr('temp_relief_per_capita')];

export const RELIEF_VIEWS: readonly ViewSpec[] = [
  {
    view: 'temp_relief',
    measures: measuresOf('temp_relief', [...RELIEF_CARDS, ...RELIEF_TRENDS.map((m) => ({ member: m }))]),
    rankings: [
      { member: tr('temp_relief_per_capita'), reference: true },
      { member: tr('temp_relief_amount'), reference: false },
      { member: tr('temp_relief_person_times'), reference: false },
    ],
  },
];

export const RELIEF_RANKINGS: readonly string[] = [tr('temp_relief_per_capita'), tr('temp_relief_amount'), tr('temp_relief_person_times')];

// ---------------------------------------------------------------- 监测预警

/** 红橙黄蓝 in those colours. */
export const WARNING_LEVEL_COLORS: Readonly<Record<string, string>> = {
  红: '#d93025',
  橙: '#f08c00',
  黄: '#e6b800',
  蓝: '#1f6fd1',
};

export const MONITORING_CARDS: readonly MetricSpec[] = [
  { key: 'warning_count', member: wa('warning_count'), related: [{ member: wa('handled_warnings') }] },
  { key: 'handled_rate', member: wa('handled_rate'), numerator: wa('handled_warnings'), denominator: wa('warning_count') },
  {
    key: 'handled_within_limit_rate',
    member: wa('handled_within_limit_rate'),
    numerator: wa('handled_within_limit'),
    denominator: wa('warnings_due'),
    related: [
      { member: wa('pending_past_limit') },
      { member: wa('average_days_to_handle'), numerator: wa('days_to_handle'), denominator: wa('handled_warnings') },
    ],
  },
  {
    key: 'mismatch_rate',
    member: ve('mismatch_rate'),
    numerator: ve('mismatches'),
    denominator: ve('verification_count'),
    related: [{ member: ve('suspected_mismatches') }],
  },
  {
    key: 'decided_within_limit_rate',
    member: ap('decided_within_limit_rate'),
    numerator: ap('decided_within_limit'),
    denominator: ap('time_limited_applications'),
    related: [
      { member: ap('pending_past_deadline') },
      { member: ap('average_working_days_to_decide'), numerator: ap('working_days_to_decide'), denominator: ap('decided_with_working_days') },
    ],
  },
  { key: 'approval_rate', member: ap('approval_rate'), numerator: ap('approved_applications'), denominator: ap('decided_applications') },
];

export const MONITORING_BREAKDOWNS: readonly DimensionBreakdownSpec[] = [
  {
    key: 'warning_source',
    view: 'warnings',
    dimension: wa('source_department'),
    member: wa('warning_count'),
    extras: [wa('handled_rate'), wa('handled_within_limit_rate')],
    showShare: true,
  },
  {
    key: 'warning_level',
    view: 'warnings',
    dimension: wa('warning_level'),
    member: wa('warning_count'),
    extras: [wa('handled_rate'), wa('handled_within_limit_rate')],
    order: ['红', '橙', '黄', '蓝'],
    colors: WARNING_LEVEL_COLORS,
    showShare: true,
  },
  {
    key: 'warning_outcome',
    view: 'warnings',
    dimension: wa('outcome'),
    member: wa('handled_warnings'),
    extras: [],
    dropEmpty: true,
    showShare: true,
  },
  {
    key: 'discovery_channel',
    view: 'applications',
    dimension: ap('discovery_channel'),
    member: ap('decided_applications'),
    extras: [ap('approved_applications'), ap('decided_within_limit_rate')],
    showShare: true,
  },
  {
    key: 'verification_result',
    view: 'verifications',
    dimension: ve('result'),
    member: ve('verification_count'),
    extras: [],
    order: ['符合', '不符合', '疑似不符待核实'],
    showShare: true,
  },
  {
    key: 'verification_type',
    view: 'verifications',
    dimension: ve('verification_type'),
    member: ve('verification_count'),
    extras: [ve('mismatches'), ve('mismatch_rate')],
    order: ['新申请', '复核', '抽查'],
    showShare: true,
  },
];

export const MONITORING_TRENDS: readonly string[] = [
  wa('warning_count'),
  wa('handled_within_limit_rate'),
  ve('mismatch_rate'),
  ap('decided_within_limit_rate'),
];

const monitoringSpecs = [...MONITORING_CARDS, ...MONITORING_TRENDS.map((m) => ({ member: m }))];

export const MONITORING_VIEWS: readonly ViewSpec[] = [
  { view: 'warnings', measures: measuresOf('warnings', monitoringSpecs), rankings: [{ member: wa('handled_within_limit_rate'), reference: true }] },
  // 核对不符率 has no better direction (more mismatches found is not simply worse): not ranked.
  { view: 'verifications', measures: measuresOf('verifications', monitoringSpecs), rankings: [] },
  {
    view: 'applications',
    measures: measuresOf('applications', monitoringSpecs),
    rankings: [{ member: ap('decided_within_limit_rate'), reference: true }],
  },
];

export const MONITORING_RANKINGS: readonly string[] = [wa('handled_within_limit_rate'), ap('decided_within_limit_rate')];
