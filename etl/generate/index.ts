// Synthetic data generator: a fictional city (示例市（示例数据）, province code 99) exporting all 13 source kinds.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plantAnomalies } from './anomalies';
import { planApplications, type Application } from './applications';
import { planCadres } from './cadres';
import { Timeline } from './calendar';
import type { Context, GeneratedFile } from './context';
import { deathRecords } from './deaths';
import { planErrors } from './errors';
import { FILE_NAMES } from './headers';
import { MonthView } from './month-view';
import { Population } from './population';
import { Rng } from './random';
import { rectificationItems } from './rectification';
import { buildRegions } from './regions';
import { Standards } from './standards';
import { planTempRelief } from './temp-relief';
import { monthVerifications } from './verifications';
import { linkedWarnings, monthWarnings } from './warnings';
import { writeCadreRelatives } from './write-cadres';
import { writeApplications, writeTempRelief, writeVerifications, writeWarnings } from './write-events';
import { writeListsForMonth } from './write-lists';
import { writeAlleviatedSnapshot, writeDeaths, writeRectification, writeRegions, writeStandards } from './write-static';
import type { PlantedError } from './writers';

export type { PlantedError } from './writers';
export type { GeneratedFile } from './context';

export interface GenerateOptions {
  outDir: string;
  /** number of months generated, ending with endMonth (default 24) */
  months?: number;
  /** PRNG seed (default 1) */
  seed?: number;
  /** 'YYYY-MM', the last month generated */
  endMonth: string;
  /** plant a few invalid rows and list them in planted-errors.json (default false) */
  withErrors?: boolean;
  /** 1 = a city of about 1.6 million people (default 1) */
  scale?: number;
  /** optional progress messages (e.g. for the CLI) */
  onProgress?: (message: string) => void;
}

export interface GenerateSummary {
  files: GeneratedFile[];
  plantedErrors: PlantedError[];
}

export const GENERATE_DEFAULTS = { months: 24, seed: 1, withErrors: false, scale: 1 } as const;

export async function generateCity(options: GenerateOptions): Promise<GenerateSummary> {
  const months = options.months ?? GENERATE_DEFAULTS.months;
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  const scale = options.scale ?? GENERATE_DEFAULTS.scale;
  const withErrors = options.withErrors ?? GENERATE_DEFAULTS.withErrors;
  if (!Number.isInteger(months) || months < 1 || months > 240) throw new Error(`months must be an integer from 1 to 240, got ${months}`);
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  if (!(scale > 0) || scale > 100) throw new Error(`scale must be greater than 0 and at most 100, got ${scale}`);
  const timeline = new Timeline(options.endMonth, months);
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const progress = options.onProgress ?? ((): void => {});

  progress('生成区划、标准与人口');
  const regions = buildRegions(new Rng(seed, 'regions'), scale);
  const standards = new Standards(regions.counties, timeline);
  const pop = new Population(regions, timeline, standards, scale, seed);
  pop.simulate();
  const anomalies = plantAnomalies(new Rng(seed, 'anomalies'), pop, regions, timeline, scale);

  progress('生成临时救助、申请、预警计划');
  const relief = planTempRelief(seed, pop, regions, timeline, standards, scale, (m) => new MonthView(pop, m));
  const apps = planApplications(seed, pop, regions, timeline, relief);
  const deaths = deathRecords(seed, pop, timeline);
  const linked = linkedWarnings(seed, timeline, apps, deaths, new Set(anomalies.paidAfterDeath.map((p) => p.id)));
  const appsByMonth: Application[][] = timeline.months.map(() => []);
  for (const a of apps) appsByMonth[timeline.monthOfDay(a.accept)]!.push(a);

  const ctx: Context = {
    outDir,
    seed,
    scale,
    timeline,
    regions,
    standards,
    pop,
    planted: [],
    files: [],
    progress,
  };
  if (withErrors) ctx.plan = planErrors(seed, timeline, scale);

  await writeRegions(ctx);
  await writeStandards(ctx);
  let quarter = 0;
  for (let m = 0; m < timeline.count; m++) {
    const month = timeline.at(m);
    progress(`写出 ${month.key}`);
    const view = new MonthView(pop, m);
    await writeListsForMonth(ctx, view);
    await writeTempRelief(ctx, m, relief[m]!);
    await writeApplications(ctx, m, appsByMonth[m]!);
    await writeWarnings(ctx, m, monthWarnings(seed, m, timeline, view, pop, regions, linked[m]!, scale));
    await writeVerifications(ctx, m, monthVerifications(seed, m, timeline, view, appsByMonth[m]!, scale));
    if (month.month % 3 === 0) await writeAlleviatedSnapshot(ctx, m, quarter++);
  }
  await writeDeaths(ctx, deaths);
  await writeRectification(ctx, rectificationItems(seed, regions, timeline));
  // Last, so that the persons made for it (cadres and most of their relatives) take ID numbers
  // after everyone else's: the other files do not change with it.
  progress('生成干部近亲属备案');
  const anomalous = new Set([...anomalies.paidAfterDeath, ...anomalies.listedTwice].map((p) => p.id));
  await writeCadreRelatives(ctx, planCadres(new Rng(seed, 'cadres'), pop, regions, timeline, scale, anomalous));

  const plantedPath = path.join(outDir, FILE_NAMES.plantedErrors);
  if (withErrors) await writeFile(plantedPath, JSON.stringify(ctx.planted, null, 2) + '\n', 'utf8');
  else await rm(plantedPath, { force: true });
  return { files: ctx.files, plantedErrors: ctx.planted };
}
