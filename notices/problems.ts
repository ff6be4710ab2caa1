// Section 6: problems and requirements drafted from the figures by the
// template's sentences. Staff edit them before the notice is submitted.
import { fill, type NoticeTemplate } from './config.ts';
import type { MemberInfo } from './cube-source.ts';
import type { Problem, Requirement, TargetMiss } from './document.ts';
import { chineseDate, formatFigure } from './format.ts';

export interface DraftInput {
  template: NoticeTemplate;
  region: { code: string; name: string };
  subTitle: string;
  /** How requirements address every sub-region (`各区县`) when the region itself is concerned. */
  allSubs: string;
  issuer: string;
  today: string;
  /** Ranking members with the region's own and its sub-regions' last three values (current first). */
  falling: { info: MemberInfo; own: [number | null, number | null, number | null]; regions: { code: string; name: string; values: [number | null, number | null, number | null] }[] }[];
  misses: (TargetMiss & { info: MemberInfo })[];
  overdue: { code: string; name: string; count: number }[];
}

/** Worse in each of the last two periods (lower where higher is better, higher where lower is). */
export function worseTwiceInARow(values: readonly (number | null)[], higherIsBetter: boolean): boolean {
  const [v0, v1, v2] = values;
  if (v0 == null || v1 == null || v2 == null) return false;
  const worse = (a: number, b: number) => (higherIsBetter ? a < b - 1e-9 : a > b + 1e-9);
  return worse(v0, v1) && worse(v1, v2);
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function draftProblems(input: DraftInput): { problems: Problem[]; requirements: Requirement[] } {
  const t = input.template.drafting;
  const deadline = chineseDate(addDays(input.today, input.template.document.requirement_days));
  const problems: Problem[] = [];
  const requirements: Requirement[] = [];
  // requirements address the sub-regions; the notice's own region is addressed as all of them
  const names = (regions: { code: string; name: string }[]) => {
    const subs = regions.filter((r) => r.code !== input.region.code);
    return subs.length === 0 || subs.length < regions.length ? input.allSubs : subs.map((r) => r.name).join('、');
  };

  for (const f of input.falling) {
    if (f.info.higherIsBetter == null) continue;
    const hib = f.info.higherIsBetter;
    const who = [{ code: input.region.code, name: input.region.name, values: f.own }, ...f.regions].filter((r) => worseTwiceInARow(r.values, hib));
    for (const r of who) {
      const [v0, v1, v2] = r.values.map((v) => formatFigure(v, { unit: f.info.unit }));
      problems.push({
        id: `falling:${f.info.name}:${r.code}`, rule: 'falling', region: { code: r.code, name: r.name }, member: f.info.name,
        text: fill(t.falling, { region: r.name, indicator: f.info.title, direction: hib ? '下降' : '上升', values: `${v2} → ${v1} → ${v0}` }),
      });
    }
    if (who.length > 0) {
      requirements.push({ id: `falling:${f.info.name}`, text: fill(t.requirement_falling, { regions: names(who), indicator: f.info.title, deadline, issuer: input.issuer }) });
    }
  }

  for (const m of input.misses) {
    for (const r of m.regions) {
      problems.push({
        id: `target:${m.member}:${r.code}`, rule: 'target', region: { code: r.code, name: r.name }, member: m.member,
        text: fill(t.target, { region: r.name, indicator: m.info.title, value: r.text, target: m.targetText }),
      });
    }
    if (m.regions.length > 0) {
      requirements.push({ id: `target:${m.member}`, text: fill(t.requirement_target, { regions: names(m.regions), indicator: m.info.title, target: m.targetText, deadline, issuer: input.issuer }) });
    }
  }

  for (const o of input.overdue) {
    problems.push({ id: `overdue:${o.code}`, rule: 'overdue', region: { code: o.code, name: o.name }, member: 'rectification.overdue_items', text: fill(t.overdue, { region: o.name, count: o.count }) });
  }
  if (input.overdue.length > 0) {
    requirements.push({ id: 'overdue', text: fill(t.requirement_overdue, { regions: names(input.overdue), deadline, issuer: input.issuer }) });
  }
  requirements.push({ id: 'general', text: t.requirement_general });
  return { problems, requirements };
}
