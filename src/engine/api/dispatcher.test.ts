/** The contract edge: only listed methods, strict params, errors as {code, message} values over the transport. */
import { describe, expect, it } from 'vitest';
import { createClient, RpcCallError } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { METHOD_NAMES } from '../../shared/rpc/contractParams.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import { NotFoundError } from '../errors.js';
import { createDispatcher } from './dispatcher.js';

/** An API whose methods record what they received; getRun fails like the store does for unknown ids. */
function fakeApi(calls: unknown[]): WorkbenchApi {
  const handler = (name: string) => async (params: unknown) => {
    calls.push([name, params]);
    if (name === 'getRun') throw new NotFoundError(`no run with id ${(params as { runId: string }).runId}`);
    if (name === 'getConsole') throw new Error('disk on fire');
    return { ok: name };
  };
  return Object.fromEntries(METHOD_NAMES.map((m) => [m, handler(m)])) as unknown as WorkbenchApi;
}

describe('contract dispatcher', () => {
  it('refuses a method that is not in the contract, including Object.prototype names', async () => {
    const calls: unknown[] = [];
    const dispatch = createDispatcher(fakeApi(calls));
    for (const m of ['deleteEverything', 'constructor', 'toString', '__proto__', '']) {
      const res = await dispatch(m, {});
      expect(res).toEqual({ ok: false, error: { code: 'ATR_UNKNOWN_METHOD', message: `unknown method: ${m}` } });
    }
    expect(calls).toEqual([]);
  });

  it('validates params strictly and names the offending field', async () => {
    const calls: unknown[] = [];
    const dispatch = createDispatcher(fakeApi(calls));
    const bad: [string, unknown, string][] = [
      ['getRun', {}, 'runId'],
      ['getRun', { runId: 42 }, 'runId'],
      ['getRun', { runId: 'a', extra: true }, '(root)'],
      ['getEvents', { runId: 'a', kinds: ['llm', 'telepathy'] }, 'kinds.1'],
      ['getEvents', { runId: 'a', limit: 0 }, 'limit'],
      ['getEvents', { runId: 'a', from: -1 }, 'from'],
      ['getEvent', { runId: 'a', seq: 1.5 }, 'seq'],
      ['getFile', { runId: 'a', seq: 1 }, 'path'],
      ['listRuns', 'not an object', '(root)'],
    ];
    for (const [method, params, where] of bad) {
      const res = await dispatch(method, params);
      expect(res.ok, `${method} ${JSON.stringify(params)}`).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('ATR_BAD_PARAMS');
        expect(res.error.message).toContain(`invalid params for ${method}: ${where}`);
      }
    }
    expect(calls).toEqual([]);
    // Absent params mean {} for methods whose params are all optional.
    expect(await dispatch('listRuns', undefined)).toEqual({ ok: true, result: { ok: 'listRuns' } });
    expect(calls).toEqual([['listRuns', {}]]);
  });

  it('passes engine error codes through and wraps unexpected failures as ATR_INTERNAL', async () => {
    const dispatch = createDispatcher(fakeApi([]));
    const nf = await dispatch('getRun', { runId: 'zz' });
    expect(nf).toMatchObject({ ok: false, error: { code: 'ATR_NOT_FOUND', message: 'no run with id zz' } });
    expect(await dispatch('getConsole', { runId: 'a' })).toEqual({ ok: false, error: { code: 'ATR_INTERNAL', message: 'disk on fire' } });
  });

  it('errors cross the in-memory transport as RpcCallError with the code', async () => {
    const client = createClient(memoryTransport(createDispatcher(fakeApi([]))));
    const err = await client.getRun({ runId: 'zz' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcCallError);
    expect(err).toMatchObject({ code: 'ATR_NOT_FOUND', message: 'no run with id zz' });
    expect((err as RpcCallError).data).toMatchObject({ hint: expect.any(String) });
    await expect(client.getEvents({ runId: 'a', limit: 10_000 })).rejects.toMatchObject({ code: 'ATR_BAD_PARAMS' });
    const unknown = (client as unknown as Record<string, (p: unknown) => Promise<unknown>>).dropTables;
    await expect(unknown({})).rejects.toMatchObject({ code: 'ATR_UNKNOWN_METHOD' });
    await expect(client.getEvents({ runId: 'a', kinds: ['llm'] })).resolves.toEqual({ ok: 'getEvents' });
  });
});
