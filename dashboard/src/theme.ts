// One shared palette and typography for the dashboard and its charts.

export const FONT_FAMILY = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif';

export const colors = {
  primary: '#1f5fbf',
  primaryLight: '#e8f0fb',
  text: '#1f2933',
  textSecondary: '#52606d',
  textMuted: '#8a96a3',
  border: '#e3e8ef',
  gridLine: '#eef1f5',
  background: '#f3f5f9',
  surface: '#ffffff',
  good: '#1a7f37',
  bad: '#c62828',
  neutral: '#8a96a3',
  reference: '#d9822b',
  target: '#7b4fb3',
  muted: '#a9bfe0',
} as const;

/** One colour per headline indicator, in display order. */
export const seriesPalette = ['#1f5fbf', '#0f8b8d', '#d9822b', '#7b4fb3'] as const;

export function seriesColor(index: number): string {
  return seriesPalette[index % seriesPalette.length] ?? colors.primary;
}

/** Options every chart starts from. */
export const baseChartOption = {
  textStyle: { fontFamily: FONT_FAMILY, color: colors.text },
  animationDuration: 300,
} as const;
