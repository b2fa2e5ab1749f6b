/**
 * Fail closed and divergences: a client no interceptor knows (raw net.connect) is blocked with a clear error and a
 * `network-blocked` divergence; an edited request is reported with the nearest recorded request and a field diff.
 * Policy `stop` ends the process (EXIT_DIVERGED) before anything reaches the network; policy `live` lets it through.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm } from '../../test/mock/llmServer.js';
import { recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';
import { EXIT_DIVERGED } from '../../src/shared/trace/tape.js';

const KEYS = { OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC' };

/** A line server: answers "pong" to each connection's first line; counts connections. */
let tcp: net.Server;
let connections = 0;
beforeAll(async () => {
  tcp = net.createServer((s) => {
    connections++;
    s.once('data', () => s.end('pong\n'));
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => tcp.close(() => r())));

describe('fail closed', () => {
  it('a raw net.connect client is blocked: network-blocked divergence, exit EXIT_DIVERGED, no connection made', async () => {
    const port = (tcp.address() as AddressInfo).port;
    const env = { TCP_PORT: String(port) };
    const rec = await recordForReplay('test/agents/replay-net-socket.mjs', env);
    expect(rec.run.stdout).toBe('reply: pong\n');
    const before = connections;
    const r = await replayNet('test/agents/replay-net-socket.mjs', rec.tape, env);
    expect(r.code).toBe(EXIT_DIVERGED);
    expect(connections).toBe(before);
    expect(r.stdout).toBe('');
    expect(r.divergence).toMatchObject({ reason: 'network-blocked', policy: 'stop', kind: 'http' });
    expect(r.divergence?.message).toBe(`AgentTrace replay: network access blocked (127.0.0.1:${port}) — this call was not recorded`);
  });

  it('under policy live the blocked connection goes through after the report', async () => {
    const port = (tcp.address() as AddressInfo).port;
    const env = { TCP_PORT: String(port) };
    const rec = await recordForReplay('test/agents/replay-net-socket.mjs', env, { onDivergence: 'live' });
    const before = connections;
    const r = await replayNet('test/agents/replay-net-socket.mjs', rec.tape, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('reply: pong\n');
    expect(connections).toBe(before + 1);
    expect(r.divergence).toMatchObject({ reason: 'network-blocked', policy: 'live' });
  });
});

describe('edited request', () => {
  it('diverges at the edited call with the nearest recorded request and the changed field (policy stop)', async () => {
    const mock = await startMockLlm();
    const env = { MOCK_URL: mock.url, ...KEYS };
    const rec = await recordForReplay('test/agents/replay-net-edit.mjs', env);
    const served = mock.requests.length;
    const r = await replayNet('test/agents/replay-net-edit.mjs', rec.tape, { ...env, AGENT_QUESTION: 'an edited question' });
    await mock.close();
    expect(r.code).toBe(EXIT_DIVERGED);
    expect(mock.requests.length).toBe(served);
    expect(r.stdout).toBe('a: echo: first question\n');
    const d = r.divergence!;
    expect(d).toMatchObject({ reason: 'unmatched-request', kind: 'llm', policy: 'stop' });
    expect(d.diff).toEqual([{ path: 'body.messages.1.content', expected: 'second question', actual: 'an edited question' }]);
    // The nearest recorded request is the second recorded call, and the report names its step.
    const second = rec.tape.calls[1];
    expect(d.expected?.request).toEqual(second.request);
    expect(d.message).toContain(`nearest recorded call is step ${second.seq}, first difference at body.messages.1.content`);
    // The replay's step of the divergence is the seq of its own (unmatched) call event.
    const replayed = r.events.filter((e) => e.kind === 'llm');
    expect(d.seq).toBe(replayed[1].seq);
    expect(d.actual?.request?.body).toEqual(replayed[1].payload && (replayed[1].payload as { request: { body: unknown } }).request.body);
  });

  it('policy live: the edited call goes to the real server, calls that still match are served from the tape', async () => {
    const mock = await startMockLlm();
    const env = { MOCK_URL: mock.url, ...KEYS };
    const rec = await recordForReplay('test/agents/replay-net-edit.mjs', env, { onDivergence: 'live' });
    const served = mock.requests.length;
    const r = await replayNet('test/agents/replay-net-edit.mjs', rec.tape, { ...env, AGENT_QUESTION: 'an edited question' });
    await mock.close();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('a: echo: first question\nb: echo: an edited question\nc: echo: third question\n');
    expect(mock.requests.slice(served).map((q) => (q.body as { messages: { content: string }[] }).messages[1].content)).toEqual(['an edited question']);
    expect(r.divergence).toMatchObject({ reason: 'unmatched-request', policy: 'live' });
    // Live calls are recorded like in a recording: with their responses.
    const llm = r.events.filter((e) => e.kind === 'llm') as { payload: { response?: { status: number } } }[];
    expect(llm.map((e) => e.payload.response?.status)).toEqual([200, 200, 200]);
  });

  it('a call repeated more often than recorded diverges too (fingerprint known, occurrence not recorded)', async () => {
    const mock = await startMockLlm();
    const env = { MOCK_URL: mock.url, ...KEYS };
    const rec = await recordForReplay('test/agents/replay-net-edit.mjs', env);
    await mock.close();
    const r = await replayNet('test/agents/replay-net-edit.mjs', rec.tape, { ...env, AGENT_QUESTION: 'first question' });
    expect(r.code).toBe(EXIT_DIVERGED);
    expect(r.divergence?.message).toMatch(/was recorded 1 time\(s\) but the replay issues it again \(occurrence 2\)/);
  });
});
