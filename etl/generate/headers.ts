// Export kinds, their exact Chinese headers (docs/source-exports.md) and file names.

export type Kind = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13;

export const HEADERS: Record<Kind, readonly string[]> = {
  1: ['区划代码', '区划名称', '层级', '上级区划代码', '城乡分类', '户籍人口'],
  2: ['区划代码', '标准类型', '标准金额', '计量单位', '生效日期'],
  3: ['统计月份', '家庭编号', '身份证号', '姓名', '与户主关系', '区划代码', '救助类别', '供养方式', '护理等级', '纳入日期', '月救助金额'],
  4: ['统计月份', '家庭编号', '身份证号', '姓名', '区划代码', '人口类别', '纳入监测日期'],
  5: ['发放批次', '所属月份', '家庭编号', '身份证号', '救助类别', '发放金额', '发放日期', '发放方式'],
  6: ['救助编号', '身份证号', '姓名', '区划代码', '救助日期', '救助金额', '救助人数', '救助类型', '致困原因', '审批方式', '户籍类型'],
  7: ['申请编号', '身份证号', '家庭编号', '区划代码', '申请类别', '发现渠道', '受理日期', '办结日期', '审核结果'],
  8: ['预警编号', '预警日期', '身份证号', '姓名', '区划代码', '预警来源', '预警事由', '预警等级', '处置状态', '处置结果', '处置日期'],
  9: ['数据日期', '户编号', '身份证号', '姓名', '区划代码', '人员类型', '风险是否消除'],
  10: ['身份证号', '姓名', '死亡日期', '数据来源'],
  11: ['核对编号', '核对日期', '身份证号', '区划代码', '核对事项', '核对结果'],
  12: ['问题编号', '发现日期', '问题来源', '区划代码', '问题类别', '问题描述', '涉及人数', '涉及金额', '整改期限', '责任单位', '整改状态', '整改完成日期', '回头看日期', '回头看结论'],
  13: ['干部身份证号', '干部姓名', '工作单位', '职务', '区划代码', '近亲属身份证号', '近亲属姓名', '关系', '备案日期', '数据日期'],
};

export const FILE_NAMES = {
  regions: '01-行政区划.xlsx',
  standards: '02-救助标准.csv',
  roster: (yyyymm: string) => `03-低保特困在册人员-${yyyymm}.csv`,
  lowIncome: (yyyymm: string) => `04-低收入人口监测名单-${yyyymm}.csv`,
  payments: (yyyymm: string) => `05-资金发放明细-${yyyymm}.csv`,
  tempRelief: (yyyymm: string) => `06-临时救助记录-${yyyymm}.csv`,
  applications: (yyyymm: string) => `07-救助申请审核确认-${yyyymm}.csv`,
  warnings: (yyyymm: string) => `08-预警信息-${yyyymm}.csv`,
  alleviated: (yyyymmdd: string) => `09-脱贫人口和防返贫监测对象-${yyyymmdd}.csv`,
  deaths: '10-死亡人员信息.csv',
  verifications: (yyyymm: string) => `11-家庭经济状况核对-${yyyymm}.csv`,
  rectification: '12-整改问题清单.xlsx',
  cadreRelatives: (yyyymmdd: string) => `13-干部近亲属备案-${yyyymmdd}.csv`,
  plantedErrors: 'planted-errors.json',
} as const;
