/** `agenttrace ui`'s server: the token guards both the HTTP contract and the event WebSocket; errors keep codes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../engine/api/dispatcher.js';
import { fixtureStore, ROOT_ID } from '../engine/api/fixtureStore.js';
import { createWorkbenchApi } from '../engine/api/workbenchApi.js';
import type { TraceStore } from '../engine/store/store.js';
import { removeTmpHomes } from '../engine/store/testJournal.js';
import { createClient, type Transport } from '../shared/rpc/client.js';
import type { RpcResult, WorkbenchEvent } from '../shared/rpc/contract.js';
import { memoryEvents } from '../shared/rpc/memoryTransport.js';
import { startUiServer, type UiServer } from './uiServer.js';

let store: TraceStore;
let server: UiServer;
let rendererDir: string;
const events = memoryEvents();

beforeAll(async () => {
  store = fixtureStore();
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>AgentTrace</title>');
  server = await startUiServer({ dispatch: createDispatcher(createWorkbenchApi(store)), rendererDir, events: events.subscribe });
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
  removeTmpHomes();
});

const origin = (): string => `http://127.0.0.1:${server.port}`;
const post = (body: unknown, token?: string): Promise<Response> =>
  fetch(`${origin()}/api/call`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-agenttrace-token': token }) }, body: JSON.stringify(body) });

function httpTransport(token: string): Transport {
  return async (method, params) => (await (await post({ method, params }, token)).json()) as RpcResult<unknown>;
}

/** Opens a WebSocket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function connect(url: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

describe('ui server', () => {
  it('serves the renderer publicly and prints a URL carrying the token', async () => {
    expect(server.url).toBe(`${origin()}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>AgentTrace</title>');
    expect((await fetch(`${origin()}/..%2f..%2fetc%2fpasswd`)).status).toBeGreaterThanOrEqual(403);
  });

  it('answers the page without a token, or with a wrong one, with an explanation that does not leak the token', async () => {
    for (const [query, says] of [
      ['', 'has no access token'],
      ['?token=', 'has no access token'],
      // One character off (never the same character: a token may end in '0').
      [`?token=${server.token.slice(0, -1)}${server.token.endsWith('0') ? '1' : '0'}`, 'is not the one of the running'],
      ['?token=nope', 'is not the one of the running'],
    ] as const) {
      for (const page of ['/', '/index.html']) {
        const res = await fetch(`${origin()}${page}${query}`);
        expect(res.status, `${page}${query}`).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        const html = await res.text();
        expect(html).toContain('Open the link printed by <code>agenttrace ui</code>');
        expect(html).toContain(says);
        expect(html).not.toContain(server.token);
        expect(html).not.toContain('<title>AgentTrace</title>');
      }
    }
  });

  it('refuses contract calls without the token or with a wrong one', async () => {
    for (const token of [undefined, '', 'x'.repeat(48), server.token.slice(0, -1)]) {
      const res = await post({ method: 'listRuns', params: {} }, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ATR_UNAUTHORIZED' } });
    }
    const ok = await post({ method: 'listRuns', params: {} }, server.token);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { runs: { id: string }[] } }).result.runs.map((r) => r.id)).toContain(ROOT_ID);
  });

  it('error codes cross the HTTP transport: unknown method, bad params, not found, bad JSON', async () => {
    const client = createClient(httpTransport(server.token));
    await expect(client.getRun({ runId: 'missing-run' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND', message: 'no run with id missing-run' });
    await expect(client.getEvents({ runId: ROOT_ID, from: -3 })).rejects.toMatchObject({ code: 'ATR_BAD_PARAMS' });
    const unknown = (client as unknown as Record<string, (p: unknown) => Promise<unknown>>).shutdown;
    await expect(unknown({})).rejects.toMatchObject({ code: 'ATR_UNKNOWN_METHOD' });
    await expect(client.getRun({ runId: ROOT_ID })).resolves.toMatchObject({ id: ROOT_ID, status: 'ok' });
    const bad = await fetch(`${origin()}/api/call`, { method: 'POST', headers: { 'x-agenttrace-token': server.token }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'ATR_BAD_JSON' } });
  });

  it('refuses the event WebSocket without the right token, and pushes events to an authorized one', async () => {
    const ws = `ws://127.0.0.1:${server.port}`;
    expect((await connect(`${ws}/api/events`)).status).toBe(401);
    expect((await connect(`${ws}/api/events?token=${'0'.repeat(48)}`)).status).toBe(401);
    expect((await connect(`${ws}/elsewhere?token=${server.token}`)).status).toBe(404);

    const { ws: sock } = await connect(`${ws}/api/events?token=${server.token}`);
    expect(sock).toBeDefined();
    const received = new Promise<WorkbenchEvent>((resolve) => sock!.once('message', (data) => resolve(JSON.parse(String(data)) as WorkbenchEvent)));
    events.emit({ type: 'runUpdated', data: { runId: ROOT_ID, status: 'running', steps: 7 } });
    expect(await received).toEqual({ type: 'runUpdated', data: { runId: ROOT_ID, status: 'running', steps: 7 } });
    sock!.close();
  });
});
