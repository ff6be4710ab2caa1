// The members of the `indicators` view the leadership page shows, and how their
// labels and units are read from Cube's /meta. Definitions live in the model.

export const VIEW = 'indicators';
export const TIME_DIMENSION = `${VIEW}.month`;

export type HeadlineKey =
  | 'low_income_coverage_rate'
  | 'alleviated_dibao_share'
  | 'temp_relief_per_capita'
  | 'proactive_discovery_rate';

export interface RatioMembers {
  member: string;
  numerator: string;
  denominator: string;
}

export interface HeadlineIndicator extends RatioMembers {
  key: HeadlineKey;
  /** Variants shown in small print on the card (person-level, relapse-watch). */
  related: readonly RatioMembers[];
}

const m = (name: string) => `${VIEW}.${name}`;

const ratio = (member: string, numerator: string, denominator: string): RatioMembers => ({
  member: m(member),
  numerator: m(numerator),
  denominator: m(denominator),
});

/** The four headline indicators, in display order. */
export const HEADLINE_INDICATORS: readonly HeadlineIndicator[] = [
  { key: 'low_income_coverage_rate', ...ratio('low_income_coverage_rate', 'low_income_persons', 'registered_population'), related: [] },
  {
    key: 'alleviated_dibao_share',
    ...ratio('alleviated_dibao_share', 'alleviated_households_assisted', 'alleviated_households'),
    related: [
      ratio('alleviated_person_dibao_share', 'alleviated_persons_assisted', 'alleviated_persons'),
      ratio('relapse_watch_dibao_share', 'relapse_watch_persons_assisted', 'relapse_watch_persons'),
    ],
  },
  { key: 'temp_relief_per_capita', ...ratio('temp_relief_per_capita', 'temp_relief_amount', 'temp_relief_person_times'), related: [] },
  { key: 'proactive_discovery_rate', ...ratio('proactive_discovery_rate', 'approved_applications_proactive', 'approved_applications'), related: [] },
];

/** Every measure the page queries: the headline ratios and their variants, with their parts. */
export const QUERY_MEASURES: readonly string[] = HEADLINE_INDICATORS.flatMap((i) =>
  [i, ...i.related].flatMap((r) => [r.member, r.numerator, r.denominator]),
);

export interface MemberMeta {
  name: string;
  title: string;
  description: string;
  unit: string;
  kind: 'snapshot' | 'flow' | null;
  higherIsBetter: boolean;
  /** Whether the model says which way is better (`higher_is_better`); counts and neutral rates do not. */
  directional: boolean;
  target: number | null;
}

/** The parts of Cube's /meta member this module reads. */
export interface MetaMemberLike {
  name: string;
  title?: string;
  shortTitle?: string;
  description?: string;
  meta?: unknown;
}

export interface MetaCubeLike {
  name: string;
  measures?: readonly MetaMemberLike[];
  dimensions?: readonly MetaMemberLike[];
}

export type MetaIndex = ReadonlyMap<string, MemberMeta>;

function shortName(member: string): string {
  return member.slice(member.lastIndexOf('.') + 1);
}

function readMemberMeta(member: MetaMemberLike): MemberMeta {
  const extra = (typeof member.meta === 'object' && member.meta !== null ? member.meta : {}) as Record<string, unknown>;
  const target = typeof extra.target === 'number' ? extra.target : typeof extra.target === 'string' && extra.target.trim() !== '' ? Number(extra.target) : null;
  return {
    name: member.name,
    // Cube prefixes `title` with the view's title; `shortTitle` is the member's own.
    title: member.shortTitle || member.title || shortName(member.name),
    description: member.description ?? '',
    unit: typeof extra.unit === 'string' ? extra.unit : '',
    kind: extra.kind === 'snapshot' || extra.kind === 'flow' ? extra.kind : null,
    higherIsBetter: typeof extra.higher_is_better === 'boolean' ? extra.higher_is_better : true,
    directional: typeof extra.higher_is_better === 'boolean',
    target: target != null && Number.isFinite(target) ? target : null,
  };
}

/** Indexes the measures and dimensions of /meta's cubes by member name. */
export function indexMeta(cubes: readonly MetaCubeLike[]): Map<string, MemberMeta> {
  const index = new Map<string, MemberMeta>();
  for (const cube of cubes) {
    for (const member of [...(cube.measures ?? []), ...(cube.dimensions ?? [])]) {
      index.set(member.name, readMemberMeta(member));
    }
  }
  return index;
}

/** Meta of a member, or a neutral stand-in when /meta does not list it. */
export function memberMeta(index: MetaIndex, member: string): MemberMeta {
  return (
    index.get(member) ?? {
      name: member,
      title: shortName(member),
      description: '',
      unit: '',
      kind: null,
      higherIsBetter: true,
      directional: false,
      target: null,
    }
  );
}

/** Members among `members` that /meta does not know (the model and the page disagree). */
export function missingMembers(index: MetaIndex, members: readonly string[]): string[] {
  return members.filter((name) => !index.has(name));
}

export const KIND_LABELS: Record<'snapshot' | 'flow', string> = {
  snapshot: '期末时点',
  flow: '期内累计',
};
