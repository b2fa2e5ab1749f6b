/** searchEvents through the contract: client Proxy → in-memory transport → dispatcher (schema) → API → real store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import type { TraceStore } from '../store/store.js';
import { removeTmpHomes } from '../store/testJournal.js';
import { createDispatcher } from './dispatcher.js';
import { BRANCH_ID, fixtureStore, NESTED_ID, ROOT_ID } from './fixtureStore.js';
import { createWorkbenchApi } from './workbenchApi.js';

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

describe('searchEvents (contract)', () => {
  it('finds a word of an LLM reply and of a prompt, with the matched word marked in the snippet', async () => {
    const r = await api.searchEvents({ runId: ROOT_ID, query: 'sleep' });
    expect(r.more).toBe(false);
    expect(r.hits.map((h) => [h.seq, h.kind, h.runId])).toEqual([[1, 'llm', ROOT_ID]]);
    const [a, b] = r.hits[0].matches[0];
    expect(r.hits[0].snippet.slice(a, b)).toBe('sleep');
    expect((await api.searchEvents({ runId: ROOT_ID, query: 'otters' })).hits.map((h) => h.seq)).toEqual([1]);
  });

  it("a branch finds its inherited steps and its own, not its parent's after the fork; limit and more", async () => {
    expect((await api.searchEvents({ runId: BRANCH_ID, query: 'Otters' })).hits.map((h) => [h.seq, h.runId])).toEqual([[1, ROOT_ID]]);
    expect((await api.searchEvents({ runId: BRANCH_ID, query: 'branch says' })).hits.map((h) => h.seq)).toEqual([9]);
    expect((await api.searchEvents({ runId: BRANCH_ID, query: 'done' })).hits).toEqual([]);
    expect((await api.searchEvents({ runId: NESTED_ID, query: 'branch' })).hits.map((h) => [h.seq, h.runId])).toEqual([[9, BRANCH_ID]]);
    expect((await api.searchEvents({ runId: ROOT_ID, query: 'done' })).hits.map((h) => h.seq)).toEqual([10]);
    // "t" is a prefix of words in the reply (they), a console line (thinking) and the failed call's URL (...).
    expect((await api.searchEvents({ runId: ROOT_ID, query: 't' })).hits.length).toBeGreaterThan(1);
    const limited = await api.searchEvents({ runId: ROOT_ID, query: 't', limit: 1 });
    expect(limited.hits).toHaveLength(1);
    expect(limited.more).toBe(true);
  });

  it('query syntax is taken literally; bad params and unknown runs are clear errors', async () => {
    await expect(api.searchEvents({ runId: ROOT_ID, query: 'sleep" (' })).resolves.toMatchObject({ hits: [{ seq: 1 }] });
    // OR is a word to find, not an operator: every word is required.
    await expect(api.searchEvents({ runId: ROOT_ID, query: 'sleep OR hands' })).resolves.toEqual({ hits: [], more: false });
    await expect(api.searchEvents({ runId: ROOT_ID, query: '' })).resolves.toEqual({ hits: [], more: false });
    await expect(api.searchEvents({ runId: ROOT_ID, query: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'ATR_BAD_PARAMS' });
    await expect(api.searchEvents({ runId: ROOT_ID, query: 'x', limit: 0 })).rejects.toMatchObject({ code: 'ATR_BAD_PARAMS' });
    await expect(api.searchEvents({ runId: 'no-such-run', query: 'x' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND' });
  });
});
