/**
 * Branch rows in a real SQLite store: the `pending` status migration on an existing store, creating, editing,
 * resetting and deleting branches, and the tape of a branch (edits applied, an edit that no longer fits refused).
 */
import { describe, expect, it } from 'vitest';
import { createBranch, deleteBranch, editBranch } from '../branches/branches.js';
import { branchTape } from '../branches/branchTape.js';
import { AtrError } from '../errors.js';
import { dbOf } from './handle.js';
import { MIGRATIONS } from './migrations.js';
import { branchOverrides, resetBranchRun, setOverride } from './branchStore.js';
import type { TraceStore } from './store.js';
import { journal, meta, tmpHome } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open } = testStores();

const chat = (content: string): string => JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/** A recorded trace: a random value (0), an LLM call (1), a console line (2), an exit (3). */
function recordTrace(s: TraceStore, id = 'trace'): void {
  s.ingestor(id).ingestText(
    journal(
      { t: 'run', meta: meta(id) },
      { t: 'ev', seq: 0, kind: 'random', ts: 1, payload: { source: 'Math.random', value: 0.25 } },
      {
        t: 'ev',
        seq: 1,
        kind: 'llm',
        ts: 2,
        fp: 'f'.repeat(64),
        payload: {
          layer: 'fetch',
          provider: 'openai',
          stream: false,
          request: { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: {}, body: { text: '{}' } },
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: { text: chat('old') } },
        },
      },
      { t: 'ev', seq: 2, kind: 'console', ts: 3, payload: { stream: 'stdout', text: 'old\n' } },
      { t: 'ev', seq: 3, kind: 'exit', ts: 4, payload: { code: 0 } },
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 5, steps: 4 },
    ),
  );
}

describe('branch store', () => {
  it('migration 2 keeps the runs of a version-1 store and allows the pending status', () => {
    const home = tmpHome();
    const v1 = open(home, { migrations: MIGRATIONS.slice(0, 1) });
    recordTrace(v1);
    expect(() => dbOf(v1).prepare("UPDATE runs SET status = 'pending' WHERE id = 'trace'").run()).toThrow(/CHECK constraint/);
    v1.close();
    const s = open(home);
    expect(dbOf(s).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(s.getRun('trace')).toMatchObject({ status: 'ok', steps: 4, scriptPath: '/agents/demo.mjs' });
    expect(s.getEvents('trace')).toHaveLength(4);
    const indexes = (dbOf(s).prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'").pluck().all() as string[]).sort();
    expect(indexes).toEqual(expect.arrayContaining(['runs_parent', 'runs_started']));
    const b = createBranch(s, { from: 'trace', step: 1, name: 'x' });
    expect(b).toMatchObject({ id: 'trace__x', status: 'pending', parentId: 'trace', forkSeq: 0, mode: 'branch', scriptPath: '/agents/demo.mjs', steps: 0 });
  });

  it('edits are stored normalized and masked, re-edits replace, and the tape serves them', () => {
    const s = open(tmpHome());
    recordTrace(s);
    createBranch(s, { from: 'trace', step: 0, name: 'b' });
    editBranch(s, { branch: 'trace__b', seq: 1, payload: '{"content": "first"}' });
    const r = editBranch(s, { branch: 'trace__b', seq: 1, payload: '{"content": "new, key sk-abcdefghijklmnopqrstuvwx"}' });
    expect(r.replaced).toBe(true);
    editBranch(s, { branch: 'trace__b', seq: 0, payload: '{"value": 0.75}' });
    const b = s.getRun('trace__b');
    expect(Object.keys(b.overrides ?? {})).toEqual(['0', '1']);
    const reply = branchOverrides(b).get(1);
    expect(reply?.type === 'reply' && reply.reply.content).toMatch(/^new, key (?!sk-abcdefghijklmnopqrstuvwx)/);
    const tape = branchTape(s, b, { offline: true });
    expect(tape).toMatchObject({ runId: 'trace', onDivergence: 'stop', branch: { id: 'trace__b', parentId: 'trace', forkSeq: -1, name: 'b' } });
    expect(tape.values['Math.random']).toEqual([{ seq: 0, value: 0.75 }]);
    const [call] = tape.calls;
    expect(call).toMatchObject({ seq: 1, fingerprint: 'f'.repeat(64), edited: true });
    expect(JSON.parse(Buffer.from(call.response?.bodyB64 ?? '', 'base64').toString('utf8'))).toMatchObject({ choices: [{ message: { content: expect.stringMatching(/^new, key/) } }] });
    // The parent's rows are untouched.
    expect(s.lineage('trace').eventAt(0)?.payload).toEqual({ source: 'Math.random', value: 0.25 });
  });

  it('an edit that no longer fits its event is refused when the tape is built', () => {
    const s = open(tmpHome());
    recordTrace(s);
    createBranch(s, { from: 'trace', step: 1, name: 'b' });
    setOverride(s, 'trace__b', 2, { type: 'value', value: 1 });
    let err: unknown;
    try {
      branchTape(s, s.getRun('trace__b'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtrError);
    expect((err as AtrError).message).toBe('the edit of event 2 no longer fits trace: its event 2 is a console event (did it run again since the edit?)');
  });

  it('reset clears a branch run but keeps its row, edits and children; delete removes a subtree only', () => {
    const s = open(tmpHome());
    recordTrace(s);
    createBranch(s, { from: 'trace', step: 1, name: 'b' });
    editBranch(s, { branch: 'trace__b', seq: 1, payload: '{"content": "x"}' });
    // Pretend it ran: its continuation from step 1.
    s.ingestor('trace__b', { keepAfterSeq: 0 }).ingestText(
      journal(
        { t: 'run', meta: meta('trace__b', { parentId: 'trace', forkSeq: 0, mode: 'branch', name: 'b' }) },
        { t: 'ev', seq: 0, kind: 'random', ts: 1, payload: { source: 'Math.random', value: 0.25 } },
        { t: 'ev', seq: 2, kind: 'console', ts: 3, payload: { stream: 'stdout', text: 'x\n' } },
        { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 5, steps: 3 },
      ),
    );
    expect(s.getRun('trace__b').status).toBe('ok');
    expect(s.getEvents('trace__b').map((e) => e.seq)).toEqual([2]);
    createBranch(s, { from: 'trace__b', step: 2, name: 'c' });
    resetBranchRun(s, 'trace__b');
    expect(s.getRun('trace__b')).toMatchObject({ status: 'running', steps: 0, exitCode: null, overrides: { '1': { type: 'reply' } } });
    expect(s.getEvents('trace__b')).toEqual([]);
    expect(s.childRunIds('trace__b')).toEqual(['trace__b__c']);
    expect(() => deleteBranch(s, 'trace__b')).toThrow(/has 1 branch of its own/);
    expect(deleteBranch(s, 'trace__b', true)).toEqual(['trace__b__c', 'trace__b']);
    expect(s.findRun('trace__b')).toBeUndefined();
    expect(s.getRun('trace').status).toBe('ok');
    expect(s.getEvents('trace')).toHaveLength(4);
  });
});
