/**
 * RunLineage over a real SQLite store: a trace, a branch of it, and branches of that branch (one forking before the
 * branch's own fork, one after), recorded the way resumes are (each journal replays the timeline up to its fork,
 * the store keeps only what comes after). Then damaged stores: a missing parent and a parent cycle.
 */
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { AtrError } from '../errors.js';
import type { TraceStore } from './store.js';
import { execSql } from './testSql.js';
import { journal, meta } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open } = testStores('atr-lineage-');

/** Event `seq` as recorded by `who`: even seqs set tracked `mem.last` to `<who>@<seq>`, odd seqs print a line. */
function ev(who: string, seq: number): JournalLine {
  return seq % 2 === 0
    ? { t: 'ev', seq, kind: 'state', ts: seq, payload: { name: 'mem', ops: [{ op: 'set', path: ['last'], value: `${who}@${seq}` }] } }
    : { t: 'ev', seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `${who} ${seq}\n` } };
}

/** A run's journal: the events of its timeline, each from the run that recorded it (`who(seq)`). */
function record(s: TraceStore, id: string, steps: number, who: (seq: number) => string, extra: Parameters<typeof meta>[1] = {}): void {
  const evs = Array.from({ length: steps }, (_, seq) => ev(who(seq), seq));
  s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id, extra) }, ...evs, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 9, steps }));
}

const T = 'trace';
const B1 = 'trace__b1';
const EARLY = 'trace__b1__early';
const LATE = 'trace__b1__late';

/** T: 0..9. B1 forks after 5: 6..11. EARLY forks B1 after 3 (before B1's fork): 4..6. LATE forks B1 after 8: 9..12. */
function tree(): TraceStore {
  const s = open();
  record(s, T, 10, () => 'T');
  record(s, B1, 12, (q) => (q <= 5 ? 'T' : 'B1'), { parentId: T, forkSeq: 5, mode: 'resume', startedAt: 1_700_000_001_000 });
  record(s, EARLY, 7, (q) => (q <= 3 ? 'T' : 'EARLY'), { parentId: B1, forkSeq: 3, mode: 'resume', startedAt: 1_700_000_002_000 });
  record(s, LATE, 13, (q) => (q <= 5 ? 'T' : q <= 8 ? 'B1' : 'LATE'), { parentId: B1, forkSeq: 8, mode: 'resume', startedAt: 1_700_000_003_000 });
  return s;
}

const last = (s: TraceStore, id: string, seq: number): unknown => (s.lineage(id).stateAt(seq).tracked.mem as { last?: string } | undefined)?.last;

describe('RunLineage', () => {
  it('segments: a branch of a branch reads each seq range from the run that recorded it', () => {
    const s = tree();
    const MAX = Number.MAX_SAFE_INTEGER;
    expect(s.lineage(T).segments).toEqual([{ runId: T, after: -1, upTo: MAX }]);
    expect(s.lineage(B1).segments).toEqual([
      { runId: T, after: -1, upTo: 5 },
      { runId: B1, after: 5, upTo: MAX },
    ]);
    expect(s.lineage(LATE).segments).toEqual([
      { runId: T, after: -1, upTo: 5 },
      { runId: B1, after: 5, upTo: 8 },
      { runId: LATE, after: 8, upTo: MAX },
    ]);
    // Forking before its parent's own fork: nothing of B1's is inherited (its segment is empty).
    expect(s.lineage(EARLY).segments).toEqual([
      { runId: T, after: -1, upTo: 3 },
      { runId: B1, after: 3, upTo: 3 },
      { runId: EARLY, after: 3, upTo: MAX },
    ]);
    expect(s.lineage(LATE).inherited.map((g) => g.runId)).toEqual([T, B1]);
    expect(s.lineage(LATE).chain.map((r) => r.id)).toEqual([LATE, B1, T]);
    expect(s.lineage(LATE).root.id).toBe(T);
    expect(s.lineage(T).root.id).toBe(T);
  });

  it('events, count, eventAt and ownerOf follow the segments, paged and filtered like store.getEvents', () => {
    const s = tree();
    const late = s.lineage(LATE);
    const all = late.events();
    expect(all.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const who = (e: (typeof all)[number]): string => (e.kind === 'state' ? String((e.payload as { ops: { value: string }[] }).ops[0].value) : String((e.payload as { text: string }).text)).split(/[@ ]/)[0];
    expect(all.map(who)).toEqual(['T', 'T', 'T', 'T', 'T', 'T', 'B1', 'B1', 'B1', 'LATE', 'LATE', 'LATE', 'LATE']);
    expect(late.events({ from: 4, kinds: ['console'], limit: 3 }).map((e) => e.seq)).toEqual([5, 7, 9]);
    expect(late.events({ to: 6 }).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(late.count()).toBe(13);
    expect(late.count({ kinds: ['state'] })).toBe(7);
    expect(late.count({ from: 5, to: 9 })).toBe(5);
    expect([0, 5, 6, 8, 9, 100].map((q) => late.ownerOf(q))).toEqual([T, T, B1, B1, LATE, LATE]);
    expect(late.eventAt(7)?.payload).toEqual({ stream: 'stdout', text: 'B1 7\n' });
    expect(late.eventAt(11)?.payload).toEqual({ stream: 'stdout', text: 'LATE 11\n' });
    expect(late.eventAt(99)).toBeUndefined();
    expect(s.lineage(EARLY).events().map(who)).toEqual(['T', 'T', 'T', 'T', 'EARLY', 'EARLY', 'EARLY']);
  });

  it('stateAt across forks: the state at a step is the one its recording run had', () => {
    const s = tree();
    expect(last(s, LATE, 4)).toBe('T@4');
    expect(last(s, LATE, 7)).toBe('B1@6');
    expect(last(s, LATE, 8)).toBe('B1@8');
    expect(last(s, LATE, 11)).toBe('LATE@10');
    expect(last(s, EARLY, 3)).toBe('T@2');
    expect(last(s, EARLY, 5)).toBe('EARLY@4');
    expect(s.lineage(LATE).stateAt(4)).toEqual(s.stateAt(T, 4));
  });

  it('descendants: children first (the order they can be deleted in), oldest child first', () => {
    const s = tree();
    expect(s.lineage(T).descendants()).toEqual([EARLY, LATE, B1]);
    expect(s.lineage(B1).descendants()).toEqual([EARLY, LATE]);
    expect(s.lineage(LATE).descendants()).toEqual([]);
  });

  it('a missing parent: one clear NotFoundError naming the parent and the run, from every read', () => {
    const s = tree();
    execSql(s, "UPDATE runs SET parent_id = 'gone' WHERE id = ?", B1);
    const lineage = s.lineage(LATE);
    for (const read of [() => lineage.events(), () => lineage.count(), () => lineage.eventAt(2), () => lineage.stateAt(2), () => lineage.root, () => lineage.ownerOf(2)]) {
      const err = (() => {
        try {
          read();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AtrError);
      expect((err as AtrError).code).toBe('ATR_NOT_FOUND');
      expect((err as AtrError).message).toBe(`run ${B1} (an ancestor of ${LATE}) forks from gone, which is not in the store`);
    }
    expect(() => s.lineage(B1).root).toThrow(`run ${B1} forks from gone, which is not in the store`);
    // What is below an orphan can still be listed (and so deleted).
    expect(s.lineage(B1).descendants()).toEqual([EARLY, LATE]);
  });

  it('a parent cycle: a StoreError naming the loop, never a hang', () => {
    const s = tree();
    execSql(s, 'UPDATE runs SET parent_id = ?, fork_seq = 2 WHERE id = ?', LATE, T);
    for (const read of [() => s.lineage(B1).events(), () => s.lineage(LATE).root, () => s.lineage(T).descendants()]) {
      expect(read).toThrow(AtrError);
    }
    const err = (() => {
      try {
        return s.lineage(LATE).chain;
      } catch (e) {
        return e;
      }
    })() as AtrError;
    expect(err.code).toBe('ATR_STORE');
    expect(err.message).toBe(`runs fork from each other in a loop: ${LATE} -> ${B1} -> ${T} -> ${LATE}`);
  });

  it('an unknown run id is a NotFoundError up front', () => {
    const s = tree();
    expect(() => s.lineage('nope')).toThrow(/no run with id nope/);
  });
});
