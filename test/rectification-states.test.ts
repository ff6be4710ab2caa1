// The rectification state machine (rectification/states.ts), move by move and
// actor by actor, against a table written out here rather than derived from it.
import { describe, expect, it } from 'vitest';
import { actorOf } from '../rectification/items.ts';
import { decideTransition, movesFor, STATES, type Actor, type State } from '../rectification/states.ts';
import { detectEvidenceType } from '../rectification/evidence-type.ts';

const TODAY = '2026-03-10';

/** Allowed moves and who may make them, as the issue and README state them. */
const ALLOWED: Record<string, Actor[]> = {
  '待整改>整改中': ['manager', 'county'],
  '待整改>已整改': ['manager', 'county'],
  '整改中>已整改': ['manager', 'county'],
  '已整改>回头看': ['manager'],
  '回头看>已销号': ['manager'],
  '回头看>整改中': ['manager'],
};

/** A request that satisfies every requirement a move can have. */
const full = (from: State, to: State, actor: Actor) => decideTransition({ from, to, actor, note: '理由', deadline: from === '回头看' && to === '整改中' ? '2026-04-30' : null, evidenceCount: 1, today: TODAY });

describe('decideTransition', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      for (const actor of ['manager', 'county', 'reader'] as Actor[]) {
        const allowed = ALLOWED[`${from}>${to}`];
        const expected = actor === 'reader' ? 403 : !allowed ? 409 : allowed.includes(actor) ? 200 : 403;
        it(`${from} → ${to} by ${actor}: ${expected}`, () => {
          const d = full(from, to, actor);
          expect(d.ok ? 200 : d.status).toBe(expected);
          if (!d.ok && expected === 409) expect(d.error).toContain(`从「${from}」改为「${to}」`);
        });
      }
    }
  }

  it('a report of the fix needs evidence', () => {
    const d = decideTransition({ from: '整改中', to: '已整改', actor: 'county', evidenceCount: 0, today: TODAY });
    expect(d).toMatchObject({ ok: false, status: 400 });
    expect(!d.ok && d.error).toContain('佐证材料');
  });

  it('a failed review needs a reason and a new deadline not before today', () => {
    expect(decideTransition({ from: '回头看', to: '整改中', actor: 'manager', deadline: '2026-04-01', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: false, status: 400 });
    expect(decideTransition({ from: '回头看', to: '整改中', actor: 'manager', note: '未整改到位', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: false, status: 400 });
    expect(decideTransition({ from: '回头看', to: '整改中', actor: 'manager', note: '未整改到位', deadline: '2026-03-09', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: false, status: 400 });
    const ok = decideTransition({ from: '回头看', to: '整改中', actor: 'manager', note: '未整改到位', deadline: '2026-03-10', evidenceCount: 0, today: TODAY });
    expect(ok.ok && ok.move.review).toBe('未通过');
  });

  it('a county user cannot move a deadline; a manager may when assigning', () => {
    expect(decideTransition({ from: '待整改', to: '整改中', actor: 'county', deadline: '2026-05-01', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: false, status: 403 });
    expect(decideTransition({ from: '待整改', to: '整改中', actor: 'manager', deadline: '2026-05-01', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: true });
    expect(decideTransition({ from: '已整改', to: '回头看', actor: 'manager', deadline: '2026-05-01', evidenceCount: 0, today: TODAY })).toMatchObject({ ok: false, status: 400 });
  });

  it('names the states a refused move could go to', () => {
    const d = decideTransition({ from: '待整改', to: '已销号', actor: 'manager', evidenceCount: 0, today: TODAY });
    expect(!d.ok && d.error).toBe('不能把整改问题从「待整改」改为「已销号」；从「待整改」只能改为「整改中」或「已整改」');
    const end = decideTransition({ from: '已销号', to: '整改中', actor: 'manager', evidenceCount: 0, today: TODAY });
    expect(!end.ok && end.error).toContain('最终状态');
  });

  it('lists the buttons each actor gets', () => {
    expect(movesFor('待整改', 'county').map((m) => m.to)).toEqual(['整改中', '已整改']);
    expect(movesFor('已整改', 'county')).toEqual([]);
    expect(movesFor('回头看', 'manager').map((m) => m.to)).toEqual(['已销号', '整改中']);
  });
});

describe('actorOf', () => {
  it('maps roles and regions', () => {
    expect(actorOf({ role: 'admin', region: '990101000000' })).toBe('manager');
    expect(actorOf({ role: 'inspector', region: '990100000000' })).toBe('manager');
    expect(actorOf({ role: 'staff', region: '990100000000' })).toBe('manager');
    expect(actorOf({ role: 'staff', region: '990101000000' })).toBe('county');
    expect(actorOf({ role: 'inspector', region: '990101001000' })).toBe('county');
    expect(actorOf({ role: 'leader', region: '990100000000' })).toBe('reader');
    expect(actorOf({ role: 'leader', region: '990101000000' })).toBe('reader');
  });
});

describe('detectEvidenceType', () => {
  it('types files by their bytes, not their names', () => {
    expect(detectEvidenceType(Buffer.from('%PDF-1.7\n%…'))).toBe('application/pdf');
    expect(detectEvidenceType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png');
    expect(detectEvidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(detectEvidenceType(Buffer.from('MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode', 'latin1'))).toBeNull();
    // a ZIP that is not a Word document (e.g. an .xlsx)
    expect(detectEvidenceType(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('xl/workbook.xml')]))).toBeNull();
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(detectEvidenceType(Buffer.concat([ole, Buffer.alloc(100), Buffer.from('WordDocument', 'utf16le')]))).toBe('application/msword');
    expect(detectEvidenceType(Buffer.concat([ole, Buffer.alloc(100), Buffer.from('Workbook', 'utf16le')]))).toBeNull();
  });
});
