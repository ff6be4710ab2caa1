// Charts of a notice, drawn on the server from the dashboard's own option
// builders (dashboard/src/charts) with ECharts' server-side SVG renderer, and
// turned into PNG for Word with resvg. resvg draws only the fonts it is
// given: without a font with Chinese glyphs on the machine, the PNG keeps its
// text Latin (regions become A, B, … and the caption names them) rather than
// printing empty boxes.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import { buildRankingOption, rankingChartHeight, sortRegions, type RankingInput } from '../dashboard/src/charts/ranking.ts';
import { buildTrendOption, type TrendInput } from '../dashboard/src/charts/trend.ts';
import { FONT_FAMILY } from '../dashboard/src/theme.ts';
import type { NoticeChart } from './document.ts';

export const CHART_WIDTH = 640;

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(process.env.HOME ?? '/root', '.fonts'), path.join(process.env.HOME ?? '/root', '.local/share/fonts')];
const CJK_FONT = /(cjk|wqy|wenquanyi|sourcehan|source-han|notosanssc|notoserifsc|droidsansfallback|simsun|simhei|simfang|fangsong|msyh|pingfang|hiragino|arphic|ukai|uming)/i;

function findFonts(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const full = path.join(dir, n);
    try {
      if (statSync(full).isDirectory()) return findFonts(full, depth + 1);
    } catch {
      return [];
    }
    return /\.(ttf|otf|ttc)$/i.test(n) && CJK_FONT.test(n) ? [full] : [];
  });
}

let cjkFonts: string[] | undefined;
/** Font files with Chinese glyphs on this machine (looked up once). */
export function chineseFontFiles(): string[] {
  cjkFonts ??= FONT_DIRS.flatMap((d) => findFonts(d));
  return cjkFonts;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface RenderedChart {
  svg: string;
  width: number;
  height: number;
  /** When the chart's names were replaced by letters: `A 甲区、B 乙县`, for the caption. */
  legend: string | null;
}

/** The chart as SVG; `latin` replaces Chinese names by letters and drops other Chinese text. */
export function renderChartSvg(chart: NoticeChart, latin = false): RenderedChart {
  let legend: string | null = null;
  let option: object;
  let height: number;
  if (chart.kind === 'ranking') {
    const input = chart.input as unknown as RankingInput;
    let regions = input.regions;
    if (latin) {
      const order = sortRegions(regions, input.higherIsBetter);
      const letter = new Map(order.map((r, i) => [r.name, LETTERS[i] ?? String(i + 1)]));
      legend = order.map((r) => `${letter.get(r.name)} ${r.name}`).join('、');
      regions = regions.map((r) => ({ ...r, name: letter.get(r.name)! }));
    }
    option = buildRankingOption({ ...input, regions, referenceLabel: latin ? '' : input.referenceLabel });
    height = rankingChartHeight(regions.length);
  } else {
    option = buildTrendOption(chart.input as unknown as TrendInput);
    height = 280;
  }
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    instance.setOption({ ...option, animation: false, backgroundColor: '#ffffff' });
    let svg = instance.renderToSVGString();
    // ECharts writes the quoted font list unescaped inside style="…"
    svg = svg.split(FONT_FAMILY).join('PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif');
    if (latin) svg = svg.replace(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/g, '');
    return { svg, width: CHART_WIDTH, height, legend };
  } finally {
    instance.dispose();
  }
}

/** The chart as PNG (twice the size, for print), with Chinese text only where a font can draw it. */
export function renderChartPng(chart: NoticeChart): RenderedChart & { png: Buffer } {
  const fonts = chineseFontFiles();
  const latin = fonts.length === 0;
  const rendered = renderChartSvg(chart, latin);
  const resvg = new Resvg(rendered.svg, {
    fitTo: { mode: 'width', value: rendered.width * 2 },
    background: '#ffffff',
    font: { loadSystemFonts: true, fontFiles: fonts, defaultFontFamily: latin ? 'DejaVu Sans' : fonts.some((f) => /wqy/i.test(f)) ? 'WenQuanYi Micro Hei' : 'Noto Sans CJK SC' },
  });
  return { ...rendered, png: resvg.render().asPng() };
}
