// The thirteen kinds of source export: their headers, the warehouse column each
// maps to, how each value is checked, and how a later export replaces an
// earlier one. This is the contract of ../shared/docs/source-exports.md.

export type ValueType =
  | { type: 'text' }
  | { type: 'date' }
  | { type: 'month' }
  | { type: 'amount' }
  | { type: 'count' }
  | { type: 'id_number' }
  | { type: 'region_code' }
  | { type: 'enum'; values: readonly string[] };

export interface ColumnSpec {
  header: string;
  column: string;
  value: ValueType;
  required: boolean;
}

/**
 * How rows of a new export replace what is loaded:
 * - `partition`: the export is a full snapshot of each value of `column` it
 *   contains (a month, a data date, a payment batch); those partitions are
 *   replaced whole. The raw table is list-partitioned by `column`.
 * - `key`: rows are identified by `columns`; a new row replaces the old one.
 */
export type ReplaceRule = { by: 'partition'; column: string } | { by: 'key'; columns: readonly string[] };

/** A rule over a whole row, checked after every cell parsed. */
export type RowRule = (row: Readonly<Record<string, string | null>>) => { column: string; reason: string } | null;

export interface KindSpec {
  kind: number;
  title: string;
  table: string;
  columns: readonly ColumnSpec[];
  replace: ReplaceRule;
  /** Load order: regions first so every other kind can check its region codes. */
  order: number;
  /** Columns whose header is required but whose value may be empty in some rows. */
  optionalValues?: readonly string[];
  rowRules?: readonly RowRule[];
}

/** `column` must have a value when `condition` holds, and otherwise may be empty. */
const requiredWhen = (column: string, header: string, condition: (row: Readonly<Record<string, string | null>>) => boolean, why: string): RowRule =>
  (row) => (condition(row) && row[column] === null ? { column: header, reason: `必填项为空（${why}）` } : null);

/** `column` must be empty when `condition` holds. */
const emptyWhen = (column: string, header: string, condition: (row: Readonly<Record<string, string | null>>) => boolean, why: string): RowRule =>
  (row) => (condition(row) && row[column] !== null ? { column: header, reason: `应为空（${why}）` } : null);

/** Date `later` must not come before date `earlier` (ISO dates compare as text). */
const notBefore = (later: string, header: string, earlier: string, earlierHeader: string): RowRule =>
  (row) => {
    const a = row[later];
    const b = row[earlier];
    return a !== null && a !== undefined && b !== null && b !== undefined && a < b ? { column: header, reason: `${header}（${a}）早于${earlierHeader}（${b}）` } : null;
  };

const text = { type: 'text' } as const;
const date = { type: 'date' } as const;
const month = { type: 'month' } as const;
const amount = { type: 'amount' } as const;
const count = { type: 'count' } as const;
const idNumber = { type: 'id_number' } as const;
const regionCode = { type: 'region_code' } as const;
const oneOf = (...values: string[]): ValueType => ({ type: 'enum', values });

const req = (header: string, column: string, value: ValueType): ColumnSpec => ({ header, column, value, required: true });
const opt = (header: string, column: string, value: ValueType): ColumnSpec => ({ header, column, value, required: false });

export const REGION_LEVELS = ['市', '区县', '乡镇街道', '村社区'] as const;
export const ROSTER_CATEGORIES = ['城市低保', '农村低保', '城市特困', '农村特困'] as const;
export const CARE_MODES = ['集中供养', '分散供养'] as const;
export const CARE_LEVELS = ['全自理', '半护理', '全护理'] as const;
export const LOW_INCOME_CATEGORIES = ['特困人员', '低保对象', '低保边缘人口', '刚性支出困难人口', '其他困难人口'] as const;
export const DISCOVERY_CHANNELS = ['主动申请', '大数据预警', '入户走访', '部门转介', '热线求助'] as const;
export const PROACTIVE_CHANNELS = ['大数据预警', '入户走访', '部门转介'] as const;
export const CADRE_RELATIONS = ['配偶', '父母', '子女', '兄弟姐妹', '其他'] as const;

/** A cadre cannot be filed as his or her own close relative. */
const differentPersons: RowRule = (row) =>
  row.relative_id_number !== null && row.relative_id_number === row.cadre_id_number
    ? { column: '近亲属身份证号', reason: '近亲属身份证号与干部身份证号相同' }
    : null;

/** A list cannot hold a filing made after the list's own date. */
const filedByListDate: RowRule = (row) => {
  const filed = row.filed_on;
  const listed = row.list_on;
  return filed && listed && filed > listed ? { column: '备案日期', reason: `备案日期（${filed}）晚于数据日期（${listed}）` } : null;
};

export const KINDS: readonly KindSpec[] = [
  {
    kind: 1, title: '行政区划', table: 'regions', order: 1,
    replace: { by: 'key', columns: ['region_code'] },
    optionalValues: ['parent_code', 'registered_population'],
    rowRules: [
      requiredWhen('parent_code', '上级区划代码', (r) => r.level_name !== '市', '除市级外必须填写上级区划'),
      emptyWhen('parent_code', '上级区划代码', (r) => r.level_name === '市', '市级区划没有上级区划'),
      requiredWhen('registered_population', '户籍人口', (r) => r.level_name === '区县' || r.level_name === '市', '市、区县必须填写户籍人口'),
    ],
    columns: [
      req('区划代码', 'region_code', regionCode),
      req('区划名称', 'region_name', text),
      req('层级', 'level_name', oneOf(...REGION_LEVELS)),
      req('上级区划代码', 'parent_code', regionCode),
      opt('城乡分类', 'urban_rural', oneOf('城镇', '乡村')),
      req('户籍人口', 'registered_population', count),
    ],
  },
  {
    kind: 2, title: '救助标准', table: 'standards', order: 2,
    replace: { by: 'key', columns: ['region_code', 'standard_type', 'effective_on'] },
    columns: [
      req('区划代码', 'region_code', regionCode),
      req('标准类型', 'standard_type', oneOf('城市低保', '农村低保', '城市特困', '农村特困', '全护理', '半护理', '全自理')),
      req('标准金额', 'amount_yuan', amount),
      req('计量单位', 'unit', oneOf('元/人·月', '元/人·年')),
      req('生效日期', 'effective_on', date),
    ],
  },
  {
    kind: 3, title: '低保特困在册人员', table: 'basic_living_roster', order: 3,
    replace: { by: 'partition', column: 'stat_month' },
    rowRules: [
      emptyWhen('care_mode', '供养方式', (r) => r.category === '城市低保' || r.category === '农村低保', '供养方式仅适用于特困人员'),
      emptyWhen('care_level', '护理等级', (r) => r.category === '城市低保' || r.category === '农村低保', '护理等级仅适用于特困人员'),
    ],
    columns: [
      req('统计月份', 'stat_month', month),
      req('家庭编号', 'household_id', text),
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('与户主关系', 'relation_to_head', text),
      req('区划代码', 'region_code', regionCode),
      req('救助类别', 'category', oneOf(...ROSTER_CATEGORIES)),
      opt('供养方式', 'care_mode', oneOf(...CARE_MODES)),
      opt('护理等级', 'care_level', oneOf(...CARE_LEVELS)),
      req('纳入日期', 'enrolled_on', date),
      req('月救助金额', 'monthly_benefit_yuan', amount),
    ],
  },
  {
    kind: 4, title: '低收入人口监测名单', table: 'low_income_roster', order: 3,
    replace: { by: 'partition', column: 'stat_month' },
    columns: [
      req('统计月份', 'stat_month', month),
      req('家庭编号', 'household_id', text),
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('区划代码', 'region_code', regionCode),
      req('人口类别', 'category', oneOf(...LOW_INCOME_CATEGORIES)),
      req('纳入监测日期', 'monitored_since', date),
    ],
  },
  {
    kind: 5, title: '资金发放明细', table: 'benefit_payments', order: 3,
    // A payment export is a whole batch; a person paid twice in one batch is an
    // integrity finding to keep, not a duplicate to reject.
    replace: { by: 'partition', column: 'payment_batch' },
    columns: [
      req('发放批次', 'payment_batch', text),
      req('所属月份', 'benefit_month', month),
      req('家庭编号', 'household_id', text),
      req('身份证号', 'id_number', idNumber),
      req('救助类别', 'category', oneOf(...ROSTER_CATEGORIES)),
      req('发放金额', 'amount_yuan', amount),
      req('发放日期', 'paid_on', date),
      opt('发放方式', 'payment_method', oneOf('社会保障卡', '银行卡', '现金')),
    ],
  },
  {
    kind: 6, title: '临时救助记录', table: 'temp_relief', order: 3,
    replace: { by: 'key', columns: ['relief_id'] },
    columns: [
      req('救助编号', 'relief_id', text),
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('区划代码', 'region_code', regionCode),
      req('救助日期', 'relief_on', date),
      req('救助金额', 'amount_yuan', amount),
      req('救助人数', 'persons_relieved', count),
      req('救助类型', 'relief_type', oneOf('急难型', '支出型')),
      req('致困原因', 'hardship_cause', oneOf('疾病', '意外事故', '自然灾害', '突发公共事件', '教育支出', '其他')),
      req('审批方式', 'approval_route', oneOf('乡镇备用金审批', '县级审批', '先行救助后补手续')),
      opt('户籍类型', 'residence_type', oneOf('本地', '非本地')),
    ],
  },
  {
    kind: 7, title: '救助申请审核确认', table: 'applications', order: 3,
    replace: { by: 'key', columns: ['application_id'] },
    rowRules: [
      requiredWhen('decided_on', '办结日期', (r) => r.decision !== '办理中', '已办结的申请必须有办结日期'),
      emptyWhen('decided_on', '办结日期', (r) => r.decision === '办理中', '办理中的申请尚未办结'),
      notBefore('decided_on', '办结日期', 'accepted_on', '受理日期'),
    ],
    columns: [
      req('申请编号', 'application_id', text),
      req('身份证号', 'id_number', idNumber),
      req('家庭编号', 'household_id', text),
      req('区划代码', 'region_code', regionCode),
      req('申请类别', 'application_type', oneOf('低保', '特困', '临时救助', '低保边缘认定', '刚性支出困难认定')),
      req('发现渠道', 'discovery_channel', oneOf(...DISCOVERY_CHANNELS)),
      req('受理日期', 'accepted_on', date),
      opt('办结日期', 'decided_on', date),
      req('审核结果', 'decision', oneOf('批准', '不予批准', '办理中')),
    ],
  },
  {
    kind: 8, title: '预警信息', table: 'warnings', order: 3,
    replace: { by: 'key', columns: ['warning_id'] },
    rowRules: [
      requiredWhen('outcome', '处置结果', (r) => r.handling_status === '已处置', '已处置的预警必须有处置结果'),
      requiredWhen('handled_on', '处置日期', (r) => r.handling_status === '已处置', '已处置的预警必须有处置日期'),
      notBefore('handled_on', '处置日期', 'warned_on', '预警日期'),
    ],
    columns: [
      req('预警编号', 'warning_id', text),
      req('预警日期', 'warned_on', date),
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('区划代码', 'region_code', regionCode),
      req('预警来源', 'source_department', oneOf('医保', '人社', '教育', '残联', '农业农村', '卫健', '公安', '住建', '殡葬', '民政')),
      req('预警事由', 'reason', text),
      req('预警等级', 'level', oneOf('红', '橙', '黄', '蓝')),
      req('处置状态', 'handling_status', oneOf('待核查', '核查中', '已处置')),
      opt('处置结果', 'outcome', oneOf('纳入低保', '纳入特困', '给予临时救助', '转介专项救助', '认定低保边缘', '停发救助', '不符合条件')),
      opt('处置日期', 'handled_on', date),
    ],
  },
  {
    kind: 9, title: '脱贫人口和防返贫监测对象', table: 'alleviated_persons', order: 3,
    replace: { by: 'partition', column: 'snapshot_on' },
    columns: [
      req('数据日期', 'snapshot_on', date),
      req('户编号', 'household_id', text),
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('区划代码', 'region_code', regionCode),
      req('人员类型', 'person_type', oneOf('脱贫人口', '防止返贫监测对象')),
      opt('风险是否消除', 'risk_eliminated', oneOf('是', '否')),
    ],
  },
  {
    kind: 10, title: '死亡人员信息', table: 'deaths', order: 3,
    replace: { by: 'key', columns: ['id_number'] },
    columns: [
      req('身份证号', 'id_number', idNumber),
      req('姓名', 'person_name', text),
      req('死亡日期', 'died_on', date),
      req('数据来源', 'data_source', oneOf('殡葬', '公安', '卫健')),
    ],
  },
  {
    kind: 11, title: '家庭经济状况核对', table: 'economic_verifications', order: 3,
    replace: { by: 'key', columns: ['verification_id'] },
    columns: [
      req('核对编号', 'verification_id', text),
      req('核对日期', 'verified_on', date),
      req('身份证号', 'id_number', idNumber),
      req('区划代码', 'region_code', regionCode),
      req('核对事项', 'verification_type', oneOf('新申请', '复核', '抽查')),
      req('核对结果', 'result', oneOf('符合', '不符合', '疑似不符待核实')),
    ],
  },
  {
    kind: 12, title: '整改问题清单', table: 'rectification_items', order: 3,
    replace: { by: 'key', columns: ['item_id'] },
    rowRules: [
      requiredWhen('completed_on', '整改完成日期', (r) => r.status === '已整改' || r.status === '已销号', '已整改或已销号的问题必须有完成日期'),
      notBefore('completed_on', '整改完成日期', 'found_on', '发现日期'),
    ],
    columns: [
      req('问题编号', 'item_id', text),
      req('发现日期', 'found_on', date),
      req('问题来源', 'item_source', oneOf('专项检查', '审计', '督查', '群众举报', '数据比对', '舆情')),
      req('区划代码', 'region_code', regionCode),
      req('问题类别', 'category', oneOf('不符合条件享受', '应保未保', '资金发放不及时', '审核超时', '档案不规范', '近亲属未备案', '死亡未及时停发', '其他')),
      req('问题描述', 'description', text),
      opt('涉及人数', 'persons_involved', count),
      opt('涉及金额', 'amount_involved_yuan', amount),
      req('整改期限', 'deadline_on', date),
      req('责任单位', 'responsible_unit', text),
      req('整改状态', 'status', oneOf('待整改', '整改中', '已整改', '已销号')),
      opt('整改完成日期', 'completed_on', date),
      opt('回头看日期', 'follow_up_on', date),
      opt('回头看结论', 'follow_up_result', oneOf('通过', '未通过')),
    ],
  },
  {
    // Each list is the whole register on its date (数据日期): a newer list does
    // not erase an older one, it takes over from its date on, as the alleviated
    // snapshots do, so a month is checked against the list in force then.
    kind: 13, title: '干部近亲属备案', table: 'cadre_relatives', order: 3,
    replace: { by: 'partition', column: 'list_on' },
    rowRules: [differentPersons, filedByListDate],
    columns: [
      req('干部身份证号', 'cadre_id_number', idNumber),
      req('干部姓名', 'cadre_name', text),
      req('工作单位', 'work_unit', text),
      req('职务', 'post', text),
      req('区划代码', 'region_code', regionCode),
      req('近亲属身份证号', 'relative_id_number', idNumber),
      req('近亲属姓名', 'relative_name', text),
      req('关系', 'relation', oneOf(...CADRE_RELATIONS)),
      opt('备案日期', 'filed_on', date),
      req('数据日期', 'list_on', date),
    ],
  },
];

export function kindByNumber(kind: number): KindSpec {
  const spec = KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`unknown export kind ${kind}`);
  return spec;
}
