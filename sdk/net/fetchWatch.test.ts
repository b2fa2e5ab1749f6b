/**
 * The Date.now() patch checks its caller (one stack capture) only while a built-in fetch may still make its finale's
 * own clock read: from the call until it resolves. A client's reads after that (openai reads the clock twice per call
 * once its fetch resolved) cost nothing. Measured in a pure replay, where nothing else captures stacks for clock reads
 * (recording's library marks do, within their budget); the recording and the replay read the same values.
 */
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listenLoopback, recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';
import { knownBundledClocks } from './bundledClocks.js';

let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => (req.url === '/no-content' ? res.writeHead(204).end() : res.writeHead(200, { 'content-type': 'text/plain' }).end('some text')));
  });
  url = await listenLoopback(server);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it.runIf(knownBundledClocks())('checks the clock reads made while a fetch is in flight, not those after it resolved', async () => {
  const rec = await recordForReplay('test/agents/net-fetch-watch.mjs', { RAW_URL: url });
  expect(rec.run.code, rec.run.stderr).toBe(0);
  const r = await replayNet('test/agents/net-fetch-watch.mjs', rec.tape, { RAW_URL: url });
  expect(r.code, r.stderr).toBe(0);
  expect(r.divergence).toBeUndefined();
  expect(JSON.parse(r.stdout.trim())).toEqual({ text: 'some text', noContent: 204, whileInFlight: 3, afterResolved: 0, afterBody: 0, afterNoBody: 0 });
  expect(r.events.filter((e) => e.kind === 'time')).toHaveLength(12);
  expect(rec.events.filter((e) => e.kind === 'time')).toHaveLength(12);
});
