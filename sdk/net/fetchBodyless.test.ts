/**
 * Built-in fetch keeps its own clock reads off the agent's tape on every path, including the ones where its
 * end-of-body read happens in its finale rather than in a stream callback (no body: HEAD, 204, errors, aborts): the
 * recording holds exactly the agent's Date.now() reads, and the replay (which runs fetch in the internal context
 * its own way) matches it read for read, offline.
 */
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedLoopbackPort, listenLoopback, netShape, recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';

let server: http.Server;
let url = '';
let closedPort = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/no-content') return res.writeHead(204).end();
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2000);
      if (req.url === '/empty') return res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'empty');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('some text');
    });
  });
  url = await listenLoopback(server);
  closedPort = await closedLoopbackPort();
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

it('records only the agent clock reads around fetches without a body, and replays them read for read', async () => {
  const env = { RAW_URL: url, CLOSED_PORT: String(closedPort) };
  const rec = await recordForReplay('test/agents/net-fetch-bodyless.mjs', env);
  expect(rec.run.code, rec.run.stderr).toBe(0);
  expect(rec.run.stdout).toContain('head 200\n204 204\nrefused TypeError: ECONNREFUSED\nforbidden port TypeError: fetch failed\n');
  expect(rec.run.stdout).toContain('aborted AbortError: This operation was aborted\n');
  expect(rec.run.stdout).toContain('together 204 200 200\ntext some text\nreads 10 ordered true\nown modules true\n');
  const times = rec.events.filter((e) => e.kind === 'time');
  expect(times.map((e) => (e.payload as { source: string }).source)).toEqual(Array(10).fill('Date.now'));

  const r = await replayNet('test/agents/net-fetch-bodyless.mjs', rec.tape, env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.divergence).toBeUndefined();
  expect(r.stdout).toBe(rec.run.stdout);
  expect(netShape(r.events)).toEqual(netShape(rec.events));
  expect(r.events.filter((e) => e.kind === 'time')).toHaveLength(10);
});
