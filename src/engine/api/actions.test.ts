/**
 * The trace screen's actions through the in-memory transport (what crosses IPC/HTTP): edit validation as the user
 * types, unknown runs and steps, bad edits leaving nothing behind, the diff, and errors as {code, message}. The real
 * agent runs (replay verdict, a branch running to its end) are covered end to end by e2e/actions.spec.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, RpcCallError } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import { openStore, type TraceStore } from '../store/store.js';
import { importTraceFile } from '../traceFile/importTrace.js';
import { createDispatcher } from './dispatcher.js';
import { exportForDownload } from './exportDownload.js';
import { BRANCH_ID, fixtureStore, NESTED_ID, ROOT_ID } from './fixtureStore.js';
import { createWorkbenchApi } from './workbenchApi.js';

let store: TraceStore | undefined;
afterEach(() => store?.close());

function client(onRunsChanged?: () => void): WorkbenchApi {
  store = fixtureStore();
  return createClient(memoryTransport(createDispatcher(createWorkbenchApi(store, { actions: { onRunsChanged, progressMs: 20 } }))));
}

/** The error a call fails with, as the client sees it. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcCallError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('the call succeeded');
}

describe('validateEdit', () => {
  it('accepts a new LLM reply and returns it normalized', async () => {
    const api = client();
    const v = await api.validateEdit({ runId: ROOT_ID, seq: 1, payload: { content: 'Otters eat crabs.' } });
    expect(v).toEqual({ ok: true, normalized: { type: 'reply', reply: { role: 'assistant', content: 'Otters eat crabs.' } } });
  });

  it('explains what is wrong with a payload that does not fit the event', async () => {
    const api = client();
    const notObject = await api.validateEdit({ runId: ROOT_ID, seq: 1, payload: 'just text' });
    expect(notObject.ok).toBe(false);
    if (!notObject.ok) expect(notObject.error).toMatch(/JSON object/);
    const wrongKind = await api.validateEdit({ runId: ROOT_ID, seq: 9, payload: { content: 'x' } });
    expect(wrongKind).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP call/) as unknown });
    const annotation = await api.validateEdit({ runId: ROOT_ID, seq: 0, payload: { content: 'x' } });
    expect(annotation.ok).toBe(false);
  });

  it('refuses unknown runs and steps with ATR_NOT_FOUND, and bad params with ATR_BAD_PARAMS', async () => {
    const api = client();
    expect((await failure(api.validateEdit({ runId: 'nope', seq: 1, payload: {} }))).code).toBe('ATR_NOT_FOUND');
    expect(await failure(api.validateEdit({ runId: ROOT_ID, seq: 99, payload: {} }))).toMatchObject({ code: 'ATR_NOT_FOUND', message: expect.stringMatching(/unknown event 99/) as unknown });
    const noPayload = await failure((api.validateEdit as (p: unknown) => Promise<unknown>)({ runId: ROOT_ID, seq: 1 }));
    expect(noPayload.code).toBe('ATR_BAD_PARAMS');
  });
});

describe('createBranchAndRun', () => {
  it('creates the branch with its edit, returns at once and reports the background run ending', async () => {
    const changed = vi.fn();
    const api = client(changed);
    const { branchId } = await api.createBranchAndRun({ runId: ROOT_ID, step: 1, edits: [{ seq: 1, payload: { content: 'edited' } }] });
    expect(branchId).toBe(`${ROOT_ID}__edit-1`);
    const run = await api.getRun({ runId: branchId });
    expect(run).toMatchObject({ parentId: ROOT_ID, forkSeq: 0, overrideSeqs: [1] });
    // The graph's input says what the branch edited.
    const tree = await api.getRunTree({ runId: branchId });
    expect(tree.runs.find((r) => r.id === branchId)?.edits).toEqual([{ seq: 1, what: 'LLM reply edited' }]);
    expect(tree.runs.find((r) => r.id === ROOT_ID)?.edits).toBeUndefined();
    // The fixture's script does not exist, so the background run fails before starting; the host is still told.
    await vi.waitFor(() => expect(changed.mock.calls.length).toBeGreaterThanOrEqual(2));
    // A second fork at the same step gets the next free name.
    const second = await api.createBranchAndRun({ runId: ROOT_ID, step: 1, edits: [] });
    expect(second.branchId).toBe(`${ROOT_ID}__edit-1-2`);
  });

  it('leaves nothing behind when an edit is invalid or before the fork', async () => {
    const api = client();
    const bad = await failure(api.createBranchAndRun({ runId: ROOT_ID, step: 1, name: 'bad', edits: [{ seq: 1, payload: { choices: 'no' } }] }));
    expect(bad.code).toBe('ATR_BAD_ARGS');
    const early = await failure(api.createBranchAndRun({ runId: ROOT_ID, step: 5, name: 'early', edits: [{ seq: 1, payload: { content: 'x' } }] }));
    expect(early).toMatchObject({ code: 'ATR_BAD_ARGS', message: expect.stringMatching(/before the fork/) as unknown });
    const tree = await api.getRunTree({ runId: ROOT_ID });
    expect(tree.runs.map((r) => r.id)).not.toContain(`${ROOT_ID}__bad`);
    expect(tree.runs.map((r) => r.id)).not.toContain(`${ROOT_ID}__early`);
  });

  it('refuses an unknown run, a step past the end and a malformed edit list', async () => {
    const api = client();
    expect((await failure(api.createBranchAndRun({ runId: 'nope', step: 1, edits: [] }))).code).toBe('ATR_NOT_FOUND');
    expect((await failure(api.createBranchAndRun({ runId: ROOT_ID, step: 500, edits: [] }))).code).toBe('ATR_NOT_FOUND');
    const noEdits = await failure((api.createBranchAndRun as (p: unknown) => Promise<unknown>)({ runId: ROOT_ID, step: 1 }));
    expect(noEdits.code).toBe('ATR_BAD_PARAMS');
  });
});

describe('runBranch', () => {
  it('refuses a trace, an unknown run and bad params, each with its code', async () => {
    const api = client();
    expect(await failure(api.runBranch({ runId: ROOT_ID }))).toMatchObject({ code: 'ATR_BAD_ARGS', message: `run ${ROOT_ID} is a trace, not a branch` });
    expect((await failure(api.runBranch({ runId: 'nope' }))).code).toBe('ATR_NOT_FOUND');
    expect((await failure((api.runBranch as (p: unknown) => Promise<unknown>)({ branchId: BRANCH_ID }))).code).toBe('ATR_BAD_PARAMS');
  });
});

describe('deleteBranch', () => {
  it('deletes a branch with its own branches only when asked, never a trace, and leaves the parent untouched', async () => {
    const api = client();
    const before = JSON.stringify(store?.getEvents(ROOT_ID, { from: 0, limit: 1000 }));
    expect(await failure(api.deleteBranch({ runId: BRANCH_ID }))).toMatchObject({ code: 'ATR_BAD_ARGS', message: expect.stringMatching(/has 1 branch of its own/) as unknown });
    expect(await failure(api.deleteBranch({ runId: ROOT_ID, recursive: true }))).toMatchObject({ code: 'ATR_BAD_ARGS', message: `run ${ROOT_ID} is a trace, not a branch` });
    const r = await api.deleteBranch({ runId: BRANCH_ID, recursive: true });
    expect(r).toEqual({ deleted: [NESTED_ID, BRANCH_ID], parentId: ROOT_ID });
    expect(store?.findRun(BRANCH_ID)).toBeUndefined();
    expect((await api.getRunTree({ runId: ROOT_ID })).runs.map((x) => x.id)).toEqual([ROOT_ID]);
    expect(JSON.stringify(store?.getEvents(ROOT_ID, { from: 0, limit: 1000 }))).toBe(before);
    expect((await failure(api.deleteBranch({ runId: BRANCH_ID }))).code).toBe('ATR_NOT_FOUND');
  });
});

describe('replayRun, resumeFrom, diffRuns', () => {
  it('errors cross as {code, message}: unknown runs, steps past the end, a script that is gone', async () => {
    const api = client();
    expect((await failure(api.replayRun({ runId: 'nope' }))).code).toBe('ATR_NOT_FOUND');
    expect((await failure(api.replayRun({ runId: ROOT_ID }))).code).toBe('ATR_SCRIPT_NOT_FOUND');
    expect((await failure(api.resumeFrom({ runId: ROOT_ID, step: 12 }))).code).toBe('ATR_NOT_FOUND');
    expect((await failure(api.resumeFrom({ runId: 'nope', step: 1 }))).code).toBe('ATR_NOT_FOUND');
    expect((await failure(api.diffRuns({ a: ROOT_ID, b: 'nope' }))).code).toBe('ATR_NOT_FOUND');
  });

  it('diffs a trace with its branch: where they part and the step deltas', async () => {
    const api = client();
    const d = await api.diffRuns({ a: ROOT_ID, b: BRANCH_ID });
    expect(d.identical).toBe(false);
    expect(d.a.id).toBe(ROOT_ID);
    expect(d.b.id).toBe(BRANCH_ID);
    expect(d.firstDivergence).toMatchObject({ seqA: 9, seqB: 9 });
    expect(d.delta.steps).toBe(d.b.steps - d.a.steps);
    const same = await api.diffRuns({ a: ROOT_ID, b: ROOT_ID });
    expect(same).toMatchObject({ identical: true, firstDivergence: null, changedReplies: [] });
  });
});

describe('exportRun', () => {
  it('returns a trace file of the run and its branches that imports into an empty store', async () => {
    const api = client();
    const f = await api.exportRun({ runId: 'wb-ro' });
    expect(f).toMatchObject({ fileName: 'wb-root.agenttrace', runs: 3 });
    const bytes = Buffer.from(f.dataB64, 'base64');
    expect(bytes.byteLength).toBe(f.bytes);
    const dir = mkdtempSync(path.join(tmpdir(), 'atr-export-'));
    const target = openStore({ home: dir, env: {} });
    try {
      const file = path.join(dir, f.fileName);
      writeFileSync(file, bytes);
      const r = await importTraceFile(target, file);
      expect(r.runs.map((x) => x.id).sort()).toEqual([ROOT_ID, BRANCH_ID, NESTED_ID].sort());
      const original = store?.getEvents(ROOT_ID, { from: 0, limit: 100 }).map((e) => [e.seq, e.kind]);
      expect(target.getEvents(ROOT_ID, { from: 0, limit: 100 }).map((e) => [e.seq, e.kind])).toEqual(original);
    } finally {
      target.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const only = await api.exportRun({ runId: BRANCH_ID, only: true });
    expect(only).toMatchObject({ fileName: 'wb-root__b.agenttrace', runs: 2 });
  });

  it('refuses an unknown run, and a file over the download limit with the CLI command to use', async () => {
    const api = client();
    expect((await failure(api.exportRun({ runId: 'nope' }))).code).toBe('ATR_NOT_FOUND');
    const tooBig = exportForDownload(store as TraceStore, ROOT_ID, false, {}, 64);
    await expect(tooBig).rejects.toMatchObject({ code: 'ATR_TRACE_FILE', hint: `export it from a terminal: agenttrace export ${ROOT_ID}` });
  });
});
