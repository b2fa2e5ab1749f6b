/** The workbench contract end to end in memory: client Proxy → in-memory transport → dispatcher → API → real store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import type { TraceStore } from '../store/store.js';
import { removeTmpHomes } from '../store/testJournal.js';
import { createDispatcher } from './dispatcher.js';
import { BRANCH_FORK, BRANCH_ID, FILE_TEXT, fixtureStore, NESTED_ID, REPLY_TEXT, ROOT_ID } from './fixtureStore.js';
import { createWorkbenchApi } from './workbenchApi.js';
import { saveFailure } from '../store/failureStore.js';
import { saveFix } from '../store/fixStore.js';
import type { Failure, FixReport } from '../../shared/afe/types.js';

let store: TraceStore;
let api: WorkbenchApi;

beforeAll(() => {
  store = fixtureStore();
  api = createClient(memoryTransport(createDispatcher(createWorkbenchApi(store))));
});
afterAll(() => {
  store.close();
  removeTmpHomes();
});

describe('workbench API over the store', () => {
  it('getRun: status, script, totals, fork point and the lineage event count', async () => {
    const root = await api.getRun({ runId: ROOT_ID });
    expect(root).toMatchObject({ id: ROOT_ID, name: 'demo', status: 'ok', steps: 12, llmCalls: 1, totalTokens: 20, promptTokens: 12, completionTokens: 8, rootId: ROOT_ID, eventCount: 12, scriptSource: 'console.log(1)\n', overrideSeqs: [] });
    const branch = await api.getRun({ runId: BRANCH_ID });
    expect(branch).toMatchObject({ id: BRANCH_ID, parentId: ROOT_ID, forkSeq: BRANCH_FORK, rootId: ROOT_ID, eventCount: BRANCH_FORK + 1 + 2, mode: 'resume' });
    // The header's cost is the list row's: the same fields, the same numbers.
    const { runs } = await api.listRuns({});
    for (const detail of [root, branch]) {
      const row = runs.find((r) => r.id === detail.id);
      expect(detail.unpricedCalls).toBeDefined();
      expect([detail.costUsd, detail.unpricedCalls]).toEqual([row?.costUsd, row?.unpricedCalls]);
    }
  });

  it('getRunTree: the root and its branches from any member', async () => {
    for (const id of [ROOT_ID, BRANCH_ID, NESTED_ID]) {
      const tree = await api.getRunTree({ runId: id });
      expect(tree.rootId).toBe(ROOT_ID);
      expect(tree.runs.map((r) => [r.id, r.parentId ?? null, r.forkSeq ?? null, r.status])).toEqual([
        [ROOT_ID, null, null, 'ok'],
        [BRANCH_ID, ROOT_ID, BRANCH_FORK, 'ok'],
        [NESTED_ID, BRANCH_ID, 9, 'failed'],
      ]);
    }
  });

  it('runs carry their detected failure class and latest fix; a run detail carries the whole failure', async () => {
    const failure: Failure = { class: 'bad_json', summary: 'JSON.parse failed on the reply of step 1', seq: 9, evidence: [{ kind: 'error', seq: 9, label: 'SyntaxError: Unexpected token' }], suspects: [{ seq: 1, kind: 'llm', reason: 'its reply was parsed' }] };
    saveFailure(store, NESTED_ID, failure);
    const older: FixReport = { id: 'fix-00000000a1', runId: NESTED_ID, createdAt: 1, status: 'done', candidates: [], ai: { used: false }, replays: 0 };
    saveFix(store, older);
    saveFix(store, { ...older, id: 'fix-00000000b2', createdAt: 2, failure, candidates: [{ n: 1, strategy: 'code_patch', source: 'heuristic', title: 't', rationale: 'r', files: [], verdict: 'fixed_simulated', verdictDetail: 'd', score: { confidence: 1, size: 1, validation: 1, history: 1, safety: 1, specificity: 1, total: 1 } }] });
    const tree = await api.getRunTree({ runId: ROOT_ID });
    const nested = tree.runs.find((r) => r.id === NESTED_ID);
    expect(nested).toMatchObject({ failureClass: 'bad_json', latestFix: { id: 'fix-00000000b2', status: 'done', bestVerdict: 'fixed_simulated' } });
    expect(tree.runs.find((r) => r.id === ROOT_ID)?.failureClass).toBeUndefined();
    expect(tree.runs.find((r) => r.id === ROOT_ID)?.latestFix).toBeUndefined();
    const listed = (await api.listRuns({ limit: 50 })).runs.find((r) => r.id === NESTED_ID);
    expect(listed).toMatchObject({ failureClass: 'bad_json', latestFix: { id: 'fix-00000000b2' } });
    const detail = await api.getRun({ runId: NESTED_ID });
    expect(detail.failure).toEqual(failure);
    expect(detail.failureClass).toBe('bad_json');
    expect((await api.getRun({ runId: ROOT_ID })).failure).toBeUndefined();
  });

  it('getEvents: summaries page by page, batches expanded, totals per filter', async () => {
    const first = await api.getEvents({ runId: ROOT_ID, limit: 5 });
    expect(first.total).toBe(12);
    expect(first.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(first.nextFrom).toBe(5);
    expect(first.events[1]).toMatchObject({ kind: 'llm', durationMs: 40, title: `openai gpt-mock → ${REPLY_TEXT} [20 tok]` });
    const rest = await api.getEvents({ runId: ROOT_ID, from: first.nextFrom, limit: 100 });
    expect(rest.events.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(rest.nextFrom).toBeUndefined();
    expect(rest.events.find((e) => e.seq === 9)?.error).toBe(true);

    const consoleOnly = await api.getEvents({ runId: ROOT_ID, kinds: ['console', 'random'] });
    expect(consoleOnly.events.map((e) => [e.seq, e.kind])).toEqual([
      [3, 'console'],
      [4, 'random'],
      [5, 'random'],
      [6, 'random'],
      [10, 'console'],
    ]);
    expect(consoleOnly.total).toBe(5);
    const fromMidBatch = await api.getEvents({ runId: ROOT_ID, from: 5, kinds: ['random'] });
    expect(fromMidBatch).toMatchObject({ total: 3, events: [{ seq: 5, title: 'Math.random = 0.2' }, { seq: 6 }] });
  });

  it("getEvents of a branch: the parent's events through the fork, then the branch's own", async () => {
    const page = await api.getEvents({ runId: BRANCH_ID });
    expect(page.total).toBe(11);
    expect(page.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page.events[9].title).toBe('stdout: branch says hi');
    const paged = await api.getEvents({ runId: BRANCH_ID, from: 7, limit: 3 });
    expect(paged.events.map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(paged.nextFrom).toBe(10);
  });

  it('a branch of a branch reads three runs in order: root through 8, branch 9, its own from 10', async () => {
    const page = await api.getEvents({ runId: NESTED_ID, kinds: ['console'] });
    expect(page.events.map((e) => [e.seq, e.title])).toEqual([
      [3, 'stdout: thinking'],
      [9, 'stdout: branch says hi'],
      [10, 'stdout: nested'],
    ]);
    expect(page.total).toBe(3);
    expect((await api.getRun({ runId: NESTED_ID })).eventCount).toBe(11);
    expect((await api.getEvent({ runId: NESTED_ID, seq: 2 })).runId).toBe(ROOT_ID);
    expect((await api.getEvent({ runId: NESTED_ID, seq: 9 })).runId).toBe(BRANCH_ID);
    expect((await api.getEvent({ runId: NESTED_ID, seq: 10 })).runId).toBe(NESTED_ID);
  });

  it('getEvent: the full event, small UTF-8 bodies as text, binary ones as a note, owner of inherited steps', async () => {
    const llm = await api.getEvent({ runId: ROOT_ID, seq: 1 });
    expect(llm.event.kind).toBe('llm');
    expect(JSON.parse((llm.bodies.request as { text: string }).text)).toMatchObject({ model: 'gpt-mock' });
    expect(JSON.parse((llm.bodies.response as { text: string }).text).choices[0].message.content).toBe(REPLY_TEXT);
    const http = await api.getEvent({ runId: ROOT_ID, seq: 9 });
    expect(http.bodies.response).toMatchObject({ size: 4, encoding: 'binary', note: 'binary body, 4 B' });
    const batched = await api.getEvent({ runId: ROOT_ID, seq: 5 });
    expect(batched.event).toMatchObject({ seq: 5, kind: 'random', payload: { source: 'Math.random', value: 0.2 } });

    expect((await api.getEvent({ runId: BRANCH_ID, seq: 1 })).runId).toBe(ROOT_ID);
    const own = await api.getEvent({ runId: BRANCH_ID, seq: 9 });
    expect(own.runId).toBe(BRANCH_ID);
    expect(own.event.payload).toMatchObject({ text: 'branch says hi\n' });
  });

  it('getStateAt: keyframe plus deltas, with the paths changed since the step before', async () => {
    const at2 = await api.getStateAt({ runId: ROOT_ID, seq: 2 });
    expect(at2.tracked).toEqual({ memory: { notes: ['a'], count: 1 } });
    expect(at2.globals).toEqual({ mode: 'fast' });
    expect(at2.frames[0].locals).toEqual({ topic: 'otters' });
    expect(at2.changedPaths).toEqual(expect.arrayContaining(['tracked.memory', 'globals.mode']));
    const at8 = await api.getStateAt({ runId: ROOT_ID, seq: 8 });
    expect(at8.tracked.memory).toEqual({ notes: ['a', 'b'], count: 2 });
    expect(at8.changedPaths).toEqual(['tracked.memory.notes.1', 'tracked.memory.count']);
    expect((await api.getStateAt({ runId: ROOT_ID, seq: 9 })).changedPaths).toEqual([]);
    expect(at8.files).toHaveProperty('/work/out.txt');
    // A branch sees its parent's state up to the fork.
    expect((await api.getStateAt({ runId: BRANCH_ID, seq: BRANCH_FORK })).tracked.memory).toEqual({ notes: ['a', 'b'], count: 2 });
  });

  it('getConsole and getFile', async () => {
    const all = await api.getConsole({ runId: ROOT_ID });
    expect(all.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [3, 'stdout', 'thinking\n'],
      [10, 'stderr', 'done\n'],
    ]);
    expect((await api.getConsole({ runId: ROOT_ID, toSeq: 5 })).lines).toHaveLength(1);
    expect((await api.getConsole({ runId: ROOT_ID, limit: 1 })).lines.map((l) => l.seq)).toEqual([10]);
    expect((await api.getConsole({ runId: BRANCH_ID })).lines.map((l) => l.text)).toEqual(['thinking\n', 'branch says hi\n']);

    const file = await api.getFile({ runId: ROOT_ID, seq: 7, path: '/work/out.txt' });
    expect(file).toMatchObject({ path: '/work/out.txt', seq: 7, text: FILE_TEXT, size: FILE_TEXT.length });
    await expect(api.getFile({ runId: ROOT_ID, seq: 6, path: '/work/out.txt' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND' });
  });

  it('unknown runs and steps fail with ATR_NOT_FOUND and a message naming them', async () => {
    await expect(api.getRun({ runId: 'nope' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND', message: 'no run with id nope' });
    await expect(api.getEvent({ runId: ROOT_ID, seq: 99 })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND', message: `run ${ROOT_ID} has no event 99` });
    await expect(api.getStateAt({ runId: ROOT_ID, seq: 99 })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND' });
    await expect(api.getEvents({ runId: 'nope' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND' });
  });
});
