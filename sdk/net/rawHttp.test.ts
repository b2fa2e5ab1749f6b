/**
 * Network recording below the LLM clients: raw http.request/http.get, npm undici.request and built-in fetch, in a
 * real child process against the real mock server, plus connection failures and the internal-context guarantee.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { startTlsProxy, TLS_CERT } from '../../test/mock/tlsProxy.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { readJournalEvents } from '../../test/helpers/journal.js';
import type { HttpPayload, LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { fingerprintInput } from '../../src/shared/trace/fingerprint.js';
import { createHash } from 'node:crypto';

const KEY = 'sk-test-AAAA1111BBBB2222CCCC';
const mock = useMockLlm({ chunkDelayMs: 10 });

const text = (b: HttpPayload['request']['body']): string => (b && 'text' in b ? b.text : '');

describe('raw HTTP recording', () => {
  it('records http.request, http.get, undici.request, fetch and failures in issue order, agent unchanged', async () => {
    const env = { MOCK_URL: mock.url, OPENAI_API_KEY: KEY };
    const baseline = await runAgent('test/agents/net-raw.mjs', { record: false, env });
    const run = await runAgent('test/agents/net-raw.mjs', { env });
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(baseline.stdout);
    expect(run.stdout).toContain('fetch failed: ECONNREFUSED');
    expect(readFileSync(run.journal!, 'utf8')).not.toContain(KEY);

    const all = readJournalEvents(run.journal!);
    const net = all.filter((e) => e.kind === 'llm' || e.kind === 'http') as TraceEvent<'llm' | 'http'>[];
    expect(net.map((e) => [e.kind, e.payload.layer, e.payload.request.method])).toEqual([
      ['llm', 'http', 'POST'],
      ['http', 'http', 'GET'],
      ['llm', 'fetch', 'POST'],
      ['http', 'fetch', 'GET'],
      ['http', 'fetch', 'GET'],
      ['http', 'fetch', 'GET'],
      ['http', 'http', 'GET'],
    ]);
    const [raw, get, undici, fetchGet, undiciFetch, fetchFail, httpFail] = net;

    // http.request: body written in two parts is stored whole; x-api-key masked; query kept as sent.
    const rawP = raw.payload as LlmPayload;
    expect(rawP.request.url).toBe(`${mock.url}/v1/chat/completions?b=2&a=1`);
    expect(rawP.request.headers['x-api-key']).toBe('***');
    expect(JSON.parse(text(rawP.request.body))).toEqual({ model: 'raw-model', messages: [{ role: 'user', content: 'raw http hello' }] });
    expect(rawP.reply?.content).toBe('echo: raw http hello');
    expect(rawP.response?.status).toBe(200);
    expect(rawP.ttfbMs).toBeGreaterThan(0);
    expect(rawP.durationMs).toBeGreaterThanOrEqual(rawP.ttfbMs!);
    // The fingerprint is sha256 of method, normalized URL (query sorted) and canonical body.
    const expected = createHash('sha256').update(fingerprintInput('POST', `${mock.url}/v1/chat/completions?a=1&b=2`, text(rawP.request.body))).digest('hex');
    expect(raw.fingerprint).toBe(expected);

    expect(get.payload.request.url).toBe(`${mock.url}/health`);
    expect(get.payload.response?.status).toBe(200);
    expect(text(get.payload.response?.body)).toBe('ok');

    const undiciP = undici.payload as LlmPayload;
    expect(undiciP.request.headers.authorization).toBe('***');
    expect(undiciP.stream).toBe(true);
    expect(undiciP.reply?.content).toBe('echo: undici streams too');
    expect(undiciP.response?.chunks?.length).toBeGreaterThanOrEqual(5);

    expect(fetchGet.payload.response?.status).toBe(200);
    expect(text(fetchGet.payload.response?.body)).toBe('ok');
    // The Math.random() the agent calls right after `await fetch()` is recorded (installed by determinism capture).
    const randoms = all.filter((e) => e.kind === 'random' && (e.payload as { source: string }).source === 'Math.random');
    expect(randoms.filter((e) => e.seq > fetchGet.seq && e.seq < undiciFetch.seq)).toHaveLength(1);
    expect(undiciFetch.payload.request.url).toBe(`${mock.url}/health?from=undici`);
    expect(undiciFetch.payload.response?.status).toBe(200);

    for (const failed of [fetchFail, httpFail]) {
      expect(failed.payload.response).toBeUndefined();
      expect(failed.payload.error?.code).toBe('ECONNREFUSED');
      expect(failed.payload.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/nothing$/);
    }
    expect(fetchFail.payload.request.url).toBe(httpFail.payload.request.url);

    // Every agent callback (http 'data', undici body 'data', after await fetch, error handlers) ran as agent code.
    const ctxLine = run.stderr.split('\n').find((l) => l.startsWith('CTX '));
    expect(JSON.parse(ctxLine!.slice(4))).toEqual({ httpData: false, undiciData: false, afterFetch: false, randomAfterFetch: true, afterUndiciFetch: false, afterFetchError: false, httpError: false });
  });

  it('a recorder fault never reaches the agent: calls pass through, one agenttrace: line for the network', async () => {
    const env = { MOCK_URL: mock.url };
    const baseline = await runAgent('test/agents/net-fault.mjs', { record: false, env });
    const run = await runAgent('test/agents/net-fault.mjs', { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(baseline.stdout);
    expect(run.stdout).toContain('fetch: echo: still works');
    // Other hooks (console, exit) use the same broken emit and report their own line; ours is reported once.
    const faults = run.stderr.split('\n').filter((l) => /^agenttrace: (network|fetch|http) recording/.test(l));
    expect(faults).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(faults[0]).toContain('recorder broken by the test');
    expect(readJournalEvents(run.journal!).filter((e) => e.kind === 'llm' || e.kind === 'http')).toEqual([]);
  });

  it('keeps the responses of an agent that calls process.exit right after its calls', async () => {
    const run = await runAgent('test/agents/net-exit.cjs', { env: { MOCK_URL: mock.url } });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('echo: bye\n');
    const all = readJournalEvents(run.journal!);
    const net = all.filter((e) => e.kind === 'llm' || e.kind === 'http') as TraceEvent<'llm' | 'http'>[];
    expect(net.map((e) => [e.kind, e.payload.response?.status])).toEqual([
      ['http', 200],
      ['llm', 200],
    ]);
    expect((net[1].payload as LlmPayload).reply?.content).toBe('echo: bye');
  });

  it('records https.request and fetch over TLS', async () => {
    const tls = await startTlsProxy(mock.url);
    try {
      const env = { MOCK_URL: tls.url, OPENAI_API_KEY: KEY, NODE_EXTRA_CA_CERTS: TLS_CERT };
      const baseline = await runAgent('test/agents/net-https.mjs', { record: false, env });
      const run = await runAgent('test/agents/net-https.mjs', { env });
      expect(baseline.code, baseline.stderr).toBe(0);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(baseline.stdout);
      expect(run.stdout).toContain('v4 stream: echo: secure stream');
      const calls = readJournalEvents(run.journal!).filter((e): e is TraceEvent<'llm'> => e.kind === 'llm');
      expect(calls.map((c) => [c.payload.layer, c.payload.request.url, c.payload.model, c.payload.reply?.content])).toEqual([
        ['fetch', `${tls.url}/v1/chat/completions`, 'tls-v6', 'echo: secure hello'],
        ['http', `${tls.url}/v1/chat/completions`, 'tls-v4', 'echo: secure stream'],
      ]);
      expect(calls[1].payload.response?.chunks?.length).toBeGreaterThanOrEqual(4);
    } finally {
      await tls.close();
    }
  });
});
