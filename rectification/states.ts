// The life of a rectification item (整改问题), as one table of allowed moves.
// Pure: the routes ask it whether a move is allowed for this caller and what
// the move needs; the database only records what it allowed.
//
//   待整改 ─▶ 整改中 ─▶ 已整改 ─▶ 回头看 ─▶ 已销号           (review passed)
//      └────────────────▲                └──▶ 整改中         (review failed: reason + new deadline)
//
// 待整改 → 已整改 directly is allowed: a county often fixes a small problem
// before anyone records that work has started, and the issue lets county users
// move items "from 待整改/整改中 to 已整改". Everything else, including going
// back without a review and closing without one, is refused (409).

export const STATES = ['待整改', '整改中', '已整改', '回头看', '已销号'] as const;
export type State = (typeof STATES)[number];

/**
 * States in which the county still owes the fix: only these count as open and
 * can be overdue. 回头看 counts with 已整改 (reported fixed, awaiting the
 * inspector's review): the county met its deadline when it reported, and the
 * review's own delay is not the county's; a failed review reopens the item
 * (整改中) with a new deadline.
 */
export const OPEN_STATES: readonly State[] = ['待整改', '整改中'];

/**
 * Who the caller is for this workflow:
 * - `manager`: admin, or staff/inspector at city level: create, assign, review, close;
 * - `county`: staff/inspector below the city: start work and report their county's items fixed;
 * - `reader`: leaders (anywhere): read only.
 */
export type Actor = 'manager' | 'county' | 'reader';

export const ACTOR_TITLES: Record<Actor, string> = { manager: '市级督查、工作人员或管理员', county: '区县（乡镇）用户', reader: '领导（只读）' };

interface Move {
  from: State;
  to: State;
  actors: readonly Actor[];
  /** Evidence files must be attached (the county's report of the fix). */
  needsEvidence?: boolean;
  /** A note (the reason) must be given. */
  needsNote?: boolean;
  /** A new deadline must be given. */
  needsDeadline?: boolean;
  /** A new deadline may be given (assigning the work). */
  allowsDeadline?: boolean;
  /** The move records a follow-up review with this result. */
  review?: '通过' | '未通过';
  /** What the move is called on buttons and in messages. */
  title: string;
}

export const MOVES: readonly Move[] = [
  { from: '待整改', to: '整改中', actors: ['manager', 'county'], allowsDeadline: true, title: '开始整改' },
  { from: '待整改', to: '已整改', actors: ['manager', 'county'], needsEvidence: true, title: '报告整改完成' },
  { from: '整改中', to: '已整改', actors: ['manager', 'county'], needsEvidence: true, title: '报告整改完成' },
  { from: '已整改', to: '回头看', actors: ['manager'], title: '开始回头看' },
  { from: '回头看', to: '已销号', actors: ['manager'], review: '通过', title: '回头看通过，销号' },
  { from: '回头看', to: '整改中', actors: ['manager'], review: '未通过', needsNote: true, needsDeadline: true, title: '回头看未通过，退回整改' },
];

export interface TransitionRequest {
  from: State;
  to: State;
  actor: Actor;
  note?: string | null;
  /** The new deadline (YYYY-MM-DD), if any. */
  deadline?: string | null;
  evidenceCount: number;
  /** Today (YYYY-MM-DD, Asia/Shanghai), for checking a new deadline. */
  today: string;
}

export type TransitionDecision =
  | { ok: true; move: Move }
  | { ok: false; status: 400 | 403 | 409; error: string };

export function isState(value: string): value is State {
  return (STATES as readonly string[]).includes(value);
}

/** The moves out of `from` this actor may make (the buttons on the item's page). */
export function movesFor(from: State, actor: Actor): Move[] {
  return MOVES.filter((m) => m.from === from && m.actors.includes(actor));
}

export function decideTransition(req: TransitionRequest): TransitionDecision {
  const { from, to, actor } = req;
  if (actor === 'reader') return { ok: false, status: 403, error: '领导账号只能查看整改问题，不能变更状态' };
  const move = MOVES.find((m) => m.from === from && m.to === to);
  if (!move) {
    const next = MOVES.filter((m) => m.from === from).map((m) => `「${m.to}」`);
    const allowed = next.length > 0 ? `；从「${from}」只能改为${[...new Set(next)].join('或')}` : `；「${from}」是最终状态，不能再变更`;
    return { ok: false, status: 409, error: `不能把整改问题从「${from}」改为「${to}」${allowed}` };
  }
  if (!move.actors.includes(actor)) {
    return { ok: false, status: 403, error: `${ACTOR_TITLES[actor]}不能把整改问题从「${from}」改为「${to}」（${move.title}），仅限${move.actors.map((a) => ACTOR_TITLES[a]).join('、')}` };
  }
  const note = req.note?.trim() ?? '';
  if (move.needsNote && note === '') return { ok: false, status: 400, error: `${move.title}须填写说明（原因）` };
  if (move.needsEvidence && req.evidenceCount === 0) return { ok: false, status: 400, error: `${move.title}须附整改佐证材料（先上传文件，再在 evidence 中列出其编号）` };
  if (move.needsDeadline && !req.deadline) return { ok: false, status: 400, error: `${move.title}须给出新的整改期限（deadline）` };
  if (req.deadline) {
    if (!move.needsDeadline && !move.allowsDeadline) return { ok: false, status: 400, error: `${move.title}不能修改整改期限` };
    if (actor !== 'manager') return { ok: false, status: 403, error: `${ACTOR_TITLES[actor]}不能修改整改期限` };
    if (req.deadline < req.today) return { ok: false, status: 400, error: `新的整改期限 ${req.deadline} 早于今天（${req.today}）` };
  }
  return { ok: true, move };
}
