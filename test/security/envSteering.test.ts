/**
 * A trace file never chooses where the local user's key goes. A run is recorded against canary server A
 * (OPENAI_BASE_URL, a variable the recorder keeps), exported, and imported into a fresh store. There, with the user's
 * own key set and no OPENAI_BASE_URL (the agent then uses its own default, server B):
 * - `replay --step N` (resume): a notice names the dropped variable; the calls before N no longer match the record
 *   (another endpoint) so the replay stops there; with `--on-divergence live` it goes live to server B with the
 *   user's key; canary A receives no connection at all either way;
 * - a whole offline replay still matches the record (the recorded base URL is restored only there, where nothing is
 *   sent), and canary A still receives nothing.
 */
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem, StoredRun } from '../../src/engine/store/storeTypes.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { startMockLlm, type MockLlmServer } from '../mock/llmServer.js';

afterAll(removeHomes);

const RECORDER_KEY = 'sk-recorder-aaaaaaaaaaaaaaaaaaaaaaaa';
const USER_KEY = 'sk-localuser-bbbbbbbbbbbbbbbbbbbbbbbb';

interface Canary {
  url: string;
  /** After arming, every connection is counted and its bytes kept (and nothing is forwarded). */
  arm(): void;
  connections(): number;
  bytes(): string;
  close(): Promise<void>;
}

/** A TCP front for `upstream`: forwards while recording, then (armed) only watches who knocks. */
async function startCanary(upstream: MockLlmServer): Promise<Canary> {
  const target = new URL(upstream.url);
  let armed = false;
  let connections = 0;
  const seen: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    if (armed) {
      connections++;
      sock.on('data', (d: Buffer) => seen.push(d));
      setTimeout(() => sock.destroy(), 200);
      return;
    }
    const up = net.connect(Number(target.port), target.hostname);
    up.on('error', () => sock.destroy());
    sock.pipe(up).pipe(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm: () => (armed = true),
    connections: () => connections,
    bytes: () => Buffer.concat(seen).toString('latin1'),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a trace file never steers the user credentials', () => {
  it('an imported run recorded against canary A: resume and offline replay send nothing to A', async () => {
    // The runner's own environment must not supply the variable under test.
    delete process.env.OPENAI_BASE_URL;
    const mockA = await startMockLlm();
    const mockB = await startMockLlm();
    const canary = await startCanary(mockA);
    try {
      const recHome = tmpHome();
      const rec = await runCli(['record', 'test/agents/env-steer.mjs'], { home: recHome, env: { OPENAI_BASE_URL: `${canary.url}/v1`, OPENAI_API_KEY: RECORDER_KEY, MOCK_URL: mockB.url } });
      expect(rec.code, rec.stderr).toBe(0);
      expect(mockA.requests).toHaveLength(3);
      const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home: recHome });
      const file = path.join(recHome, 'shared.agenttrace');
      const exp = await runCli(['export', run.id, '-o', file], { home: recHome });
      expect(exp.code, exp.stderr).toBe(0);

      const home = tmpHome();
      const imp = await runCli(['import', file], { home });
      expect(imp.code, imp.stderr).toBe(0);
      canary.arm();
      const userEnv = { OPENAI_API_KEY: USER_KEY, MOCK_URL: mockB.url };

      const { run: imported, events } = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', run.id, '--json', '--kind', 'llm'], { home });
      expect(imported.env.OPENAI_BASE_URL).toBe(`${canary.url}/v1`);
      expect(events).toHaveLength(3);
      const dropped = /^agenttrace: not restored from the trace: OPENAI_BASE_URL \(endpoint variables are never taken from a trace; set them in your environment to use them\)$/m;
      // Plain resume: the steps before N are served from the record only; a request to another endpoint does not
      // match it, so the replay stops there (nothing is sent anywhere).
      const stopped = await runCli(['replay', run.id, '--step', String(events[1].seq)], { home, env: userEnv });
      expect(stopped.stderr).toMatch(dropped);
      expect(stopped.code).not.toBe(0);
      expect(stopped.stderr).toMatch(/^Replay diverged at step \d+ \(llm, unmatched-request\).*first difference at url$/m);
      expect(mockB.requests).toHaveLength(0);
      // Resume that goes live at the first difference: every call goes where the user's own environment points, with
      // the user's key.
      const resumed = await runCli(['replay', run.id, '--step', String(events[1].seq), '--on-divergence', 'live'], { home, env: userEnv });
      expect(resumed.stderr).toMatch(dropped);
      expect(resumed.stderr).toMatch(/continued live from there \(--on-divergence live\)$/m);
      expect(resumed.stdout, resumed.stderr).toMatch(/answer 2: /);
      expect(mockB.requests).toHaveLength(3);
      expect(mockB.requests.map((q) => q.headers.authorization)).toEqual(Array(3).fill(`Bearer ${USER_KEY}`));
      expect(mockA.requests).toHaveLength(3);

      const offline = await runCli(['replay', run.id], { home, env: userEnv });
      expect(offline.code, offline.stderr).toBe(0);
      expect(offline.stderr).toMatch(/verified/);
      expect(offline.stderr).not.toMatch(/not restored from the trace: OPENAI_BASE_URL/);
      expect(offline.stdout).toBe(rec.stdout);

      await new Promise((r) => setTimeout(r, 300));
      expect(canary.connections()).toBe(0);
      expect(canary.bytes()).not.toContain(USER_KEY);
      expect(mockA.requests).toHaveLength(3);
    } finally {
      await canary.close();
      await mockA.close();
      await mockB.close();
    }
  });
});
