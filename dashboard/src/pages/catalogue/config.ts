// What a catalogue page shows: its views (src/catalogue.ts) and how they are laid out.

import type { DimensionBreakdownSpec, MeasureBreakdownSpec, MetricSpec, ViewSpec } from '../../catalogue';

export interface CataloguePageConfig {
  /** Prefix of the panels' data-testids (`living-breakdown-panel`, …). */
  testId: string;
  views: readonly ViewSpec[];
  cards: readonly MetricSpec[];
  breakdownTitle: string;
  measureBreakdowns?: readonly MeasureBreakdownSpec[];
  dimensionBreakdowns?: readonly DimensionBreakdownSpec[];
  trends: readonly string[];
  /** Ranking panels in display order, each a member ranked in its view (`ViewSpec.rankings`). */
  rankings: readonly string[];
  footer?: string;
}
