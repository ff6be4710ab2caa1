// The register of close relatives of cadres (kind 13): one list at each month's end, the whole
// register as it stood that day (cadres in office, filings made by then).
import { formatDay } from './calendar';
import type { CadrePlan } from './cadres';
import { writeAll, type Context } from './context';
import { FILE_NAMES } from './headers';

export async function writeCadreRelatives(ctx: Context, plan: CadrePlan): Promise<void> {
  for (let m = 0; m < ctx.timeline.count; m++) {
    const day = ctx.timeline.at(m).last;
    const listOn = formatDay(day);
    const rows = function* (): Generator<string[]> {
      for (const cadre of plan.cadres) {
        if (m < cadre.from || m >= cadre.to) continue;
        for (const r of cadre.relatives) {
          const filed = r.filed !== undefined && r.filed <= day ? formatDay(r.filed) : '';
          yield [cadre.person.id, cadre.person.name, cadre.unit, cadre.post, cadre.regionCode, r.person.id, r.person.name, r.relation, filed, listOn];
        }
      }
    };
    await writeAll(ctx, 13, FILE_NAMES.cadreRelatives(formatDay(day, 'compact')), rows(), (r) => r);
  }
}
