// 临时救助: amount, 人次 and per capita for the period, by relief type, hardship
// cause and approval route, trends and counties ranked (view temp_relief).

import { RELIEF_BREAKDOWNS, RELIEF_CARDS, RELIEF_RANKINGS, RELIEF_TRENDS, RELIEF_VIEWS } from '../../catalogue';
import { CataloguePage } from './CataloguePage';
import type { CataloguePageConfig } from './config';

const CONFIG: CataloguePageConfig = {
  testId: 'relief',
  views: RELIEF_VIEWS,
  cards: RELIEF_CARDS,
  breakdownTitle: '救助构成',
  dimensionBreakdowns: RELIEF_BREAKDOWNS,
  trends: RELIEF_TRENDS,
  rankings: RELIEF_RANKINGS,
  footer: '临时救助按救助日期在统计期内累计；人次为各次救助的救助人数之和；人均救助水平 = 救助金额 ÷ 人次。环比为与上一统计期比较，同比为与上年同期比较。',
};

export default function Relief() {
  return <CataloguePage config={CONFIG} />;
}
