// Assistance standards per county (kind 2): dibao raised each January, tekun = 1.3 × dibao, care subsidies.
import { dayFromYmd, ymdFromDay, type Timeline } from './calendar';
import type { County } from './regions';

export type StandardType = '城市低保' | '农村低保' | '城市特困' | '农村特困' | '全护理' | '半护理' | '全自理';
export type CareLevel = '全自理' | '半护理' | '全护理';

export interface StandardRow {
  countyCode: string;
  type: StandardType;
  /** yuan per person per month */
  amount: number;
  unit: '元/人·月';
  effective: number;
}

// Care subsidies per county (元/人·月): full care 667–700, half care 334–350, self-care 0–60.
const CARE: Record<CareLevel, number[]> = {
  全护理: [680, 700, 667, 690, 675],
  半护理: [340, 350, 334, 345, 338],
  全自理: [60, 50, 0, 30, 40],
};

const roundTo5 = (x: number): number => Math.round(x / 5) * 5;

export class Standards {
  readonly rows: StandardRow[] = [];
  private readonly firstYear: number;
  private readonly urban: number[] = [];
  private readonly rural: number[] = [];

  constructor(counties: County[], timeline: Timeline) {
    this.firstYear = timeline.at(0).year;
    // one extra year so planning months after the end still have a standard
    const lastYear = timeline.at(timeline.count + 2).year;
    for (let k = 0; k <= lastYear - this.firstYear; k++) {
      this.urban.push(roundTo5(650 * Math.pow(1.04, k)));
      this.rural.push(roundTo5(500 * Math.pow(1.05, k)));
    }
    const endYear = timeline.at(timeline.count - 1).year;
    for (const county of counties) {
      for (let year = this.firstYear; year <= endYear; year++) {
        const k = year - this.firstYear;
        const effective = dayFromYmd(year, 1, 1);
        const urban = this.urban[k]!;
        const rural = this.rural[k]!;
        const push = (type: StandardType, amount: number): void => {
          this.rows.push({ countyCode: county.code, type, amount, unit: '元/人·月', effective });
        };
        push('城市低保', urban);
        push('农村低保', rural);
        push('城市特困', Math.round(urban * 1.3));
        push('农村特困', Math.round(rural * 1.3));
        if (k === 0) {
          for (const level of ['全护理', '半护理', '全自理'] as const) push(level, CARE[level][county.index]!);
        }
      }
    }
  }

  private yearIndex(day: number): number {
    const k = ymdFromDay(day)[0] - this.firstYear;
    return Math.max(0, Math.min(this.urban.length - 1, k));
  }

  /** Monthly dibao standard (yuan) in force on the given day. */
  dibao(urban: boolean, day: number): number {
    const k = this.yearIndex(day);
    return urban ? this.urban[k]! : this.rural[k]!;
  }

  /** Monthly tekun basic standard (yuan) in force on the given day. */
  tekun(urban: boolean, day: number): number {
    return Math.round(this.dibao(urban, day) * 1.3);
  }

  /** Monthly care subsidy (yuan) for a county and care level. */
  care(county: number, level: CareLevel): number {
    return CARE[level][county]!;
  }
}
