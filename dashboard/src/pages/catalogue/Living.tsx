// 基本生活救助: dibao and tekun recipients, low-income persons by category,
// benefits paid and standards (views basic_living, low_income, benefits, standards).

import { LIVING_BREAKDOWNS, LIVING_CARDS, LIVING_RANKINGS, LIVING_TRENDS, LIVING_VIEWS } from '../../catalogue';
import { CataloguePage } from './CataloguePage';
import type { CataloguePageConfig } from './config';

const CONFIG: CataloguePageConfig = {
  testId: 'living',
  views: LIVING_VIEWS,
  cards: LIVING_CARDS,
  breakdownTitle: '对象构成',
  measureBreakdowns: LIVING_BREAKDOWNS,
  trends: LIVING_TRENDS,
  rankings: LIVING_RANKINGS,
  footer: '在册人数取统计期末月名单；发放金额、按时发放率按所属月份在统计期内累计；低保标准取统计期最后一天执行的标准，市级为区县平均。环比为与上一统计期比较，同比为与上年同期比较。',
};

export default function Living() {
  return <CataloguePage config={CONFIG} />;
}
