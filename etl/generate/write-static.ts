// Files that are not monthly: regions (1), standards (2), alleviated snapshots (9), deaths (10), rectification (12).
import path from 'node:path';
import { formatDay } from './calendar';
import { writeAll, type Context } from './context';
import type { DeathRecord } from './deaths';
import { FILE_NAMES, HEADERS } from './headers';
import { CITY_NAME } from './regions';
import type { RectificationItem } from './rectification';
import { yuan } from './util';
import { writeXlsx, type XlsxCell } from './writers';

const dateCell = (day: number): Date => new Date(day * 86_400_000);

/** Fixed timestamp for XLSX metadata: midnight UTC on the first day after the period. */
export function exportDate(ctx: Context): Date {
  return dateCell(ctx.timeline.at(ctx.timeline.count).first);
}

export async function writeRegions(ctx: Context): Promise<void> {
  const file = path.join(ctx.outDir, FILE_NAMES.regions);
  const rows: XlsxCell[][] = ctx.regions.rows.map((r) => [r.code, r.name, r.level, r.parent || null, r.urbanRural || null, r.population]);
  const note: XlsxCell[][] = [
    [`本工作簿为${CITY_NAME}的示例数据，由程序随机生成，全部地名、人员、金额均为虚构。`],
    ['区划代码使用虚构的省级代码 99，不与真实行政区划代码重复。'],
    ['数据用于演示与测试，不代表任何真实地区或个人。'],
  ];
  await writeXlsx(
    file,
    [
      { name: '行政区划', header: [...HEADERS[1]], rows, widths: [16, 22, 10, 16, 10, 12] },
      { name: '说明', header: ['说明（示例数据）'], rows: note, widths: [80] },
    ],
    exportDate(ctx),
    `${CITY_NAME}行政区划`,
  );
  ctx.files.push({ path: file, kind: 1, rows: rows.length });
}

export async function writeStandards(ctx: Context): Promise<void> {
  await writeAll(ctx, 2, FILE_NAMES.standards, ctx.standards.rows, (s) => [s.countyCode, s.type, yuan(s.amount * 100), s.unit, formatDay(s.effective)]);
}

/** Quarter-end snapshots of the alleviated and relapse-watch lists (persons alive on that day). */
export async function writeAlleviatedSnapshot(ctx: Context, m: number, quarter: number): Promise<void> {
  const month = ctx.timeline.at(m);
  const day = month.last;
  const date = formatDay(day);
  const rows = function* (): Generator<string[]> {
    for (const h of ctx.pop.agri) {
      const relapse = h.type === '防止返贫监测对象';
      const cleared = relapse ? (quarter >= h.riskClearedFrom ? '是' : '否') : '';
      for (const k of h.members) {
        if (k.person.death !== undefined && k.person.death <= day) continue;
        yield [date, h.no, k.person.id, k.person.name, h.village.code, h.type, cleared];
      }
    }
  };
  await writeAll(ctx, 9, FILE_NAMES.alleviated(formatDay(day, 'compact')), rows(), (r) => r);
}

export async function writeDeaths(ctx: Context, deaths: DeathRecord[]): Promise<void> {
  await writeAll(ctx, 10, FILE_NAMES.deaths, deaths, (d) => [d.person.id, d.person.name, formatDay(d.day), d.source]);
}

export async function writeRectification(ctx: Context, items: RectificationItem[]): Promise<void> {
  const file = path.join(ctx.outDir, FILE_NAMES.rectification);
  // dates as Excel date cells for the discovery date and deadline, text for the others (as inspectors type them)
  const rows: XlsxCell[][] = items.map((i) => [
    i.no,
    dateCell(i.found),
    i.source,
    i.regionCode,
    i.category,
    i.description,
    i.persons ?? null,
    i.amountCents === undefined ? null : Number(yuan(i.amountCents)),
    dateCell(i.deadline),
    i.unit,
    i.state,
    i.completed === undefined ? null : formatDay(i.completed),
    i.reviewed === undefined ? null : formatDay(i.reviewed),
    i.reviewResult ?? null,
  ]);
  await writeXlsx(
    file,
    [{ name: '整改问题清单', header: [...HEADERS[12]], rows, widths: [14, 12, 10, 16, 14, 48, 10, 12, 12, 22, 10, 14, 14, 12], dateFormat: 'yyyy-mm-dd' }],
    exportDate(ctx),
    `${CITY_NAME}整改问题清单`,
  );
  ctx.files.push({ path: file, kind: 12, rows: rows.length });
}
