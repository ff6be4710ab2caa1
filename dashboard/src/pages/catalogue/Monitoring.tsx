// 监测预警: warnings by source and level with their handling, economic-status
// verifications, and the timeliness of applications (views warnings,
// verifications, applications).

import { MONITORING_BREAKDOWNS, MONITORING_CARDS, MONITORING_RANKINGS, MONITORING_TRENDS, MONITORING_VIEWS } from '../../catalogue';
import { CataloguePage } from './CataloguePage';
import type { CataloguePageConfig } from './config';

const CONFIG: CataloguePageConfig = {
  testId: 'monitoring',
  views: MONITORING_VIEWS,
  cards: MONITORING_CARDS,
  breakdownTitle: '预警、申请与核对构成',
  dimensionBreakdowns: MONITORING_BREAKDOWNS,
  trends: MONITORING_TRENDS,
  rankings: MONITORING_RANKINGS,
  footer: '预警按预警日期、申请按办结日期、核对按核对日期在统计期内累计；处置状态为导出时的状态。环比为与上一统计期比较，同比为与上年同期比较。',
};

export default function Monitoring() {
  return <CataloguePage config={CONFIG} />;
}
