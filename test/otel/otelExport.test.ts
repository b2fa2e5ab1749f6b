/**
 * `agenttrace export <run> --otel` end to end: an agent recorded through the real CLI with the real openai client
 * against the mock LLM server, exported (1) to an OTLP/JSON file checked against the OTLP JSON schema and against
 * the recorded events (GenAI attributes, nesting, times, tokens), (2) to a local OTLP/HTTP receiver on 127.0.0.1 in
 * protobuf and JSON, decoded and compared, (3) with an unreachable or failing collector, bad targets and unknown runs,
 * and (4) a branch, exported as its own trace through its lineage.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { attrs, exportTraceServiceRequest, type ExportTraceServiceRequest, type OtlpSpan } from './otlpJsonSchema.js';
import { decodeExportTraceRequest } from './otlpProto.js';

const mock = useMockLlm();
const KEY = 'sk-test-otel-export-0123456789abcdef';
let home = '';
let out = '';
let runId = '';
let events: TraceEvent[] = [];

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A local OTLP/HTTP receiver: records each request, answers with `status` (and an empty OTLP answer on 2xx). */
async function startReceiver(status = 200, answer?: string): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(answer ?? (status >= 300 ? 'collector is overloaded' : json ? '{}' : ''));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

function spansOf(req: ExportTraceServiceRequest): OtlpSpan[] {
  return (req.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
}

const ms = (nanos: string | number): number => Number(BigInt(nanos) / 1000n) / 1000;

function readExport(file: string): ExportTraceServiceRequest {
  const parsed = exportTraceServiceRequest.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`not an OTLP/JSON ExportTraceServiceRequest: ${parsed.error.message}`);
  return parsed.data;
}

const otel = (args: string[], env: Record<string, string> = {}) => runCli(['export', ...args], { home, cwd: out, env });

beforeAll(async () => {
  home = tmpHome();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-otel-'));
  const rec = await runCli(['record', 'test/agents/otel-agent.mjs', '--json'], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: KEY } });
  if (rec.code !== 0) throw new Error(`record failed: ${rec.stderr}`);
  runId = (JSON.parse(rec.stdout.trimEnd().split('\n').pop() as string) as { id: string }).id;
  events = (await cliJson<{ events: TraceEvent[] }>(['show', runId, '--json', '--limit', '1000'], { home })).events;
}, 120_000);

afterAll(() => {
  removeHomes();
  fs.rmSync(out, { recursive: true, force: true });
});

describe('export --otel FILE', () => {
  it('writes an OTLP/JSON request that follows the schema and the GenAI conventions, with the recorded values', async () => {
    const r = await otel([runId, '--otel', 'trace.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Exported ${runId} as OpenTelemetry trace [0-9a-f]{32} \\(8 spans, 2 LLM\\) to trace.json \\(OTLP/JSON, `));
    const text = fs.readFileSync(path.join(out, 'trace.json'), 'utf8');
    expect(text).not.toContain(KEY);
    const req = readExport(path.join(out, 'trace.json'));
    expect(req.resourceSpans).toHaveLength(1);
    expect(attrs(req.resourceSpans?.[0].resource?.attributes)).toMatchObject({ 'service.name': 'otel-agent', 'telemetry.sdk.name': 'agenttrace' });

    const spans = spansOf(req);
    // The JSON encoding writes 64-bit times as decimal strings.
    for (const s of spans) expect(typeof s.startTimeUnixNano).toBe('string');
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentName = (s: OtlpSpan): string | undefined => (s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined);
    const bySeq = new Map(spans.map((s) => [attrs(s.attributes)['agenttrace.step'], s]));
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);

    const root = spans.find((s) => !s.parentSpanId) as OtlpSpan;
    expect(root.name).toBe('invoke_agent otel-agent.mjs');
    expect(attrs(root.attributes)).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'otel-agent.mjs', 'agenttrace.run.id': runId, 'agenttrace.run.status': 'ok', 'process.exit.code': 0 });
    expect(root.status?.code ?? 0).toBe(0);

    const kinds = ['step', 'tool', 'llm', 'http'];
    const spanned = events.filter((e) => kinds.includes(e.kind));
    expect(spans).toHaveLength(spanned.length + 1);
    const at = (kind: string, nth = 0): TraceEvent => events.filter((e) => e.kind === kind)[nth];
    const span = (ev: TraceEvent): OtlpSpan => bySeq.get(ev.seq) as OtlpSpan;

    // The recorder notes the step each call ran in (parentSeq); the export nests by it.
    expect([at('http'), at('llm'), at('http', 1), at('llm', 1)].map((e) => e.parentSeq)).toEqual([at('tool').seq, at('step').seq, at('tool', 1).seq, undefined]);
    // Nesting as the run nested: plan → weather tool → GET, plan → chat; the failing tool and the stream at the top.
    expect(span(at('step')).name).toBe('plan');
    expect(parentName(span(at('step')))).toBe(root.name);
    expect(span(at('tool')).name).toBe('execute_tool weather');
    expect(parentName(span(at('tool')))).toBe('plan');
    expect([span(at('http')).name, parentName(span(at('http')))]).toEqual(['GET', 'execute_tool weather']);
    expect([span(at('llm')).name, parentName(span(at('llm')))]).toEqual(['chat gpt-mock', 'plan']);
    expect([span(at('tool', 1)).name, parentName(span(at('tool', 1)))]).toEqual(['execute_tool rate', root.name]);
    expect([span(at('http', 1)).name, parentName(span(at('http', 1)))]).toEqual(['GET', 'execute_tool rate']);
    expect(parentName(span(at('llm', 1)))).toBe(root.name);

    // Real times: a step starts at its event's ts and lasts its recorded duration; a call at its issue time.
    const plan = at('step') as TraceEvent<'step'>;
    expect(ms(span(plan).startTimeUnixNano)).toBeCloseTo(plan.ts, 2);
    expect(ms(span(plan).endTimeUnixNano) - ms(span(plan).startTimeUnixNano)).toBeCloseTo(plan.payload.durationMs as number, 2);
    const get = at('http') as TraceEvent<'http'>;
    expect(ms(span(get).startTimeUnixNano)).toBeCloseTo(get.payload.startedAtMs as number, 2);
    for (const s of spans) {
      expect(BigInt(s.startTimeUnixNano) >= BigInt(root.startTimeUnixNano)).toBe(true);
      expect(BigInt(s.endTimeUnixNano) <= BigInt(root.endTimeUnixNano)).toBe(true);
    }

    // HTTP client spans.
    expect(attrs(span(get).attributes)).toMatchObject({ 'http.request.method': 'GET', 'url.full': `${mock.url}/weather?city=Paris`, 'server.address': '127.0.0.1', 'server.port': Number(new URL(mock.url).port), 'http.response.status_code': 200 });
    expect(span(get).kind).toBe(3);
    const notFound = span(at('http', 1));
    expect(attrs(notFound.attributes)).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
    expect(notFound.status?.code).toBe(2);

    // Tool spans; the failing one has status ERROR and an exception event.
    expect(attrs(span(at('tool')).attributes)).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'weather', 'gen_ai.tool.call.arguments': '["Paris"]' });
    const rate = span(at('tool', 1));
    expect(rate.status).toEqual({ code: 2, message: 'no rate for XXX (HTTP 404)' });
    expect(rate.events?.map((e) => [e.name, attrs(e.attributes)['exception.type'], attrs(e.attributes)['exception.message']])).toEqual([['exception', 'Error', 'no rate for XXX (HTTP 404)']]);

    // LLM spans: the recorded request parameters, response, usage and messages.
    const [first, second] = [at('llm') as TraceEvent<'llm'>, at('llm', 1) as TraceEvent<'llm'>];
    const a1 = attrs(span(first).attributes);
    expect(span(first).kind).toBe(3);
    expect(a1).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': '_OTHER',
      'gen_ai.request.model': 'gpt-mock',
      'gen_ai.response.model': 'gpt-mock',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': false,
      'gen_ai.usage.input_tokens': (first.payload as LlmPayload).usage?.promptTokens,
      'gen_ai.usage.output_tokens': (first.payload as LlmPayload).usage?.completionTokens,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(a1['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(a1['gen_ai.response.id']).toMatch(/^chatcmpl-/);
    expect(JSON.parse(a1['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You plan trips.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather: sunny. Plan a day in Paris.' }] },
    ]);
    expect(JSON.parse(a1['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: (first.payload as LlmPayload).reply?.content }], finish_reason: 'stop' }]);
    // The mock server really received these parameters.
    expect(mock.requests.find((q) => q.body?.max_tokens === 64)?.body.temperature).toBe(0.2);

    const a2 = attrs(span(second).attributes);
    expect(a2).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': (second.payload as LlmPayload).usage?.promptTokens, 'gen_ai.usage.output_tokens': (second.payload as LlmPayload).usage?.completionTokens });
    expect(a2['gen_ai.request.temperature']).toBeUndefined();
    expect(a2['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(JSON.parse(a2['gen_ai.output.messages'] as string)[0].parts[0].content).toBe('echo: Summarize the plan');
    const tokens = spans.reduce((n, s) => n + Number(attrs(s.attributes)['gen_ai.usage.input_tokens'] ?? 0) + Number(attrs(s.attributes)['gen_ai.usage.output_tokens'] ?? 0), 0);
    const [listed] = await cliJson<{ id: string; totalTokens: number }[]>(['list', '--json'], { home });
    expect(tokens).toBe(listed.totalTokens);
  });

  it('is stable: exporting again gives the same bytes; an existing file needs --force', async () => {
    expect((await otel([runId, '--otel', 'a.json'])).code).toBe(0);
    const again = await otel([runId, '--otel', 'a.json']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('agenttrace: a.json already exists (pass --force to overwrite it)\n');
    expect((await otel([runId.slice(0, 8), '--otel', 'b.json', '--json'])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'b.json'))).toEqual(fs.readFileSync(path.join(out, 'a.json')));
  }, 180_000);
});

describe('export --otel masks secrets again', () => {
  it('a value that is a secret in the exporting environment is masked in every attribute', async () => {
    const secret = 'a day in Paris';
    expect(events.some((e) => JSON.stringify(e.payload).includes(secret))).toBe(true);
    const r = await otel([runId, '--otel', 'masked.json'], { TRIP_PLANNER_SECRET: secret });
    expect(r.code, r.stderr).toBe(0);
    const text = fs.readFileSync(path.join(out, 'masked.json'), 'utf8');
    expect(text).not.toContain(secret);
    const chat = spansOf(readExport(path.join(out, 'masked.json'))).find((s) => s.name.startsWith('chat ')) as OtlpSpan;
    expect(JSON.parse(attrs(chat.attributes)['gen_ai.input.messages'] as string)[1].parts[0].content).toBe('Weather: sunny. Plan ***.');
  });
});

describe('export --otel URL', () => {
  it('POSTs OTLP protobuf to <base>/v1/traces with the headers of OTEL_EXPORTER_OTLP_HEADERS, the same spans as the file', async () => {
    const rx = await startReceiver();
    try {
      expect((await otel([runId, '--otel', 'ref.json'])).code).toBe(0);
      const ref = spansOf(readExport(path.join(out, 'ref.json')));
      const r = await otel([runId, '--otel', rx.url], { OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=col-secret-42,x-tenant=team%20a' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`(8 spans, 2 LLM) to ${rx.url}/v1/traces (OTLP http/protobuf, HTTP 200)`);
      expect(rx.received).toHaveLength(1);
      const got = rx.received[0];
      expect(got.url).toBe('/v1/traces');
      expect(got.headers['content-type']).toBe('application/x-protobuf');
      expect([got.headers['x-collector-key'], got.headers['x-tenant']]).toEqual(['col-secret-42', 'team a']);
      const decoded = exportTraceServiceRequest.parse(decodeExportTraceRequest(got.body));
      const spans = spansOf(decoded);
      expect(spans.map((s) => [s.spanId, s.parentSpanId ?? '', s.name, String(s.startTimeUnixNano), String(s.endTimeUnixNano), s.kind, s.status?.code ?? 0])).toEqual(
        ref.map((s) => [s.spanId, s.parentSpanId ?? '', s.name, String(s.startTimeUnixNano), String(s.endTimeUnixNano), s.kind, s.status?.code ?? 0]),
      );
      expect(spans.map((s) => attrs(s.attributes))).toEqual(ref.map((s) => attrs(s.attributes)));
      expect(spans.filter((s) => s.name.startsWith('chat ')).map((s) => attrs(s.attributes)['gen_ai.usage.output_tokens'])).toEqual(events.filter((e) => e.kind === 'llm').map((e) => (e.payload as LlmPayload).usage?.completionTokens));
      // The collector's key went over the wire only: nothing under the store's folder holds it.
      const files = fs.readdirSync(home, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes('col-secret-42')).toBe(false);
    } finally {
      await rx.close();
    }
  });

  it('sends OTLP/JSON with --otel-protocol http/json to a full /v1/traces URL', async () => {
    const rx = await startReceiver();
    try {
      const r = await otel([runId, '--otel', `${rx.url}/v1/traces`, '--otel-protocol', 'http/json', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ runId, spans: 8, llmSpans: 2, protocol: 'http/json', sent: { status: 200, rejectedSpans: 0 } });
      expect(rx.received.map((q) => [q.url, q.headers['content-type']])).toEqual([['/v1/traces', 'application/json']]);
      const spans = spansOf(exportTraceServiceRequest.parse(JSON.parse(rx.received[0].body.toString('utf8'))));
      expect(spans.map((s) => s.name)).toEqual(['invoke_agent otel-agent.mjs', 'plan', 'execute_tool weather', 'GET', 'chat gpt-mock', 'execute_tool rate', 'GET', 'chat gpt-mock']);
      expect(rx.received[0].body.includes(KEY)).toBe(false);
    } finally {
      await rx.close();
    }
  });

  it('warns about spans the collector rejected (OTLP partial success) and still exits 0', async () => {
    const rx = await startReceiver(200, JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'spans older than the retention window' } }));
    try {
      const r = await otel([runId, '--otel', rx.url, '--otel-protocol', 'http/json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('agenttrace: warning: the collector rejected 2 span(s): spans older than the retention window\n');
    } finally {
      await rx.close();
    }
  });
});

describe('export --otel errors', () => {
  const oneLine = (stderr: string): void => expect(stderr.trimEnd().split('\n')).toHaveLength(1);

  it('an unreachable collector, a failing collector, bad targets and an unknown run: one line, non-zero exit', async () => {
    const closed = await startReceiver();
    await closed.close();
    const down = await otel([runId, '--otel', closed.url]);
    expect(down.code).toBe(1);
    oneLine(down.stderr);
    expect(down.stderr).toMatch(new RegExp(`^agenttrace: cannot reach the OpenTelemetry collector at ${closed.url}/v1/traces: ECONNREFUSED \\(is the collector running`));

    const busy = await startReceiver(503);
    try {
      const r = await otel([runId, '--otel', busy.url, '--otel-protocol', 'http/json']);
      expect(r.code).toBe(1);
      oneLine(r.stderr);
      expect(r.stderr).toContain(`the OpenTelemetry collector at ${busy.url}/v1/traces answered 503 Service Unavailable: collector is overloaded`);
    } finally {
      await busy.close();
    }

    for (const [target, message] of [
      ['http://', 'bad collector URL http://'],
      ['grpc://127.0.0.1:4317', 'unsupported collector URL grpc://127.0.0.1:4317'],
      ['localhost:4318', '--otel localhost:4318 looks like a collector address without a scheme (write http://localhost:4318'],
    ]) {
      const r = await otel([runId, '--otel', target]);
      expect(r.code, target).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toContain(message);
    }
    const proto = await otel([runId, '--otel', 'http://127.0.0.1:1', '--otel-protocol', 'grpc']);
    expect([proto.code, proto.stderr]).toEqual([2, 'agenttrace: unsupported OTLP protocol "grpc" (use http/protobuf (default) or http/json; gRPC is not supported)\n']);

    const unknown = await otel(['0000dead', '--otel', 'missing.json']);
    expect(unknown.code).toBe(1);
    oneLine(unknown.stderr);
    expect(unknown.stderr).toMatch(/^agenttrace: no run .*0000dead/);
    expect(fs.existsSync(path.join(out, 'missing.json'))).toBe(false);
  }, 180_000);
});

describe('export --otel of a failed run', () => {
  it('the failed LLM call and the run are status ERROR; the uncaught error is an exception event on the root span', async () => {
    const rec = await runCli(['record', 'test/agents/err-llm.mjs', '--json'], { home, env: { MOCK_LLM_URL: mock.url } });
    expect(rec.code).not.toBe(0);
    const id = (JSON.parse(rec.stdout.trimEnd().split('\n').pop() as string) as { id: string }).id;
    const r = await otel([id, '--otel', 'failed.json']);
    expect(r.code, r.stderr).toBe(0);
    const spans = spansOf(readExport(path.join(out, 'failed.json')));
    expect(spans.map((s) => s.name)).toEqual(['invoke_agent err-llm.mjs', 'chat error-500']);
    const [root, chat] = spans;
    expect(chat.parentSpanId).toBe(root.spanId);
    expect(chat.status).toEqual({ code: 2, message: 'Internal server error (mock)' });
    expect(attrs(chat.attributes)).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500', 'gen_ai.request.model': 'error-500' });
    expect(attrs(chat.attributes)['gen_ai.output.messages']).toBeUndefined();
    expect(root.status?.code).toBe(2);
    const [error] = (await cliJson<{ events: TraceEvent<'error'>[] }>(['show', id, '--json', '--kind', 'error'], { home })).events;
    expect(error.payload.message).toBe('500 Internal server error (mock)');
    expect(root.status?.message).toBe(`${error.payload.name}: 500 Internal server error (mock)`);
    expect(attrs(root.attributes)).toMatchObject({ 'agenttrace.run.status': 'failed', 'process.exit.code': 1, 'error.type': error.payload.name });
    const ex = (root.events ?? []).map((e) => attrs(e.attributes));
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({ 'exception.type': error.payload.name, 'exception.message': error.payload.message, 'agenttrace.error.origin': 'unhandledRejection' });
    expect(ms((root.events ?? [])[0].timeUnixNano)).toBeCloseTo(error.ts, 2);
    expect(ex[0]['exception.stacktrace']).toContain('err-llm.mjs');
  }, 180_000);
});

describe('export --otel of a branch', () => {
  it('is its own trace: the inherited steps from the parent, its own after the fork, linked to the parent', async () => {
    const second = events.filter((e) => e.kind === 'llm')[1].seq;
    expect((await runCli(['branch', 'create', runId, '--step', String(second), '--name', 'terse'], { home })).code).toBe(0);
    const branch = `${runId}__terse`;
    const pending = await otel([branch, '--otel', 'pending.json']);
    expect([pending.code, pending.stderr]).toEqual([2, `agenttrace: branch ${branch} has not run yet: it has no timeline to export (run it first: agenttrace branch run ${branch})\n`]);
    expect((await runCli(['branch', 'edit', branch, '--event', String(second), '--payload', '{"content":"EDITED SUMMARY"}'], { home })).code).toBe(0);
    const ran = await runCli(['replay', runId, '--branch', 'terse'], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: KEY } });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('summary: EDITED SUMMARY');

    expect((await otel([runId, '--otel', 'parent.json', '--force'])).code).toBe(0);
    expect((await otel([branch, '--otel', 'branch.json'])).code).toBe(0);
    const parentSpans = spansOf(readExport(path.join(out, 'parent.json')));
    const spans = spansOf(readExport(path.join(out, 'branch.json')));
    const parentRoot = parentSpans.find((s) => !s.parentSpanId) as OtlpSpan;
    const root = spans.find((s) => !s.parentSpanId) as OtlpSpan;
    expect(root.traceId).not.toBe(parentRoot.traceId);
    expect(root.links?.map((l) => [l.traceId, l.spanId])).toEqual([[parentRoot.traceId, parentRoot.spanId]]);
    expect(attrs(root.attributes)).toMatchObject({ 'agenttrace.run.id': branch, 'agenttrace.run.name': 'terse', 'agenttrace.run.parent_id': runId, 'agenttrace.run.forked_after_step': second - 1, 'agenttrace.run.mode': 'branch' });
    expect(spans.map((s) => s.name)).toEqual(parentSpans.map((s) => s.name));
    for (const s of spans.slice(1)) {
      const a = attrs(s.attributes);
      expect(a['agenttrace.recorded_in'], s.name).toBe((a['agenttrace.step'] as number) < second ? runId : undefined);
    }
    const edited = spans.find((s) => attrs(s.attributes)['agenttrace.step'] === second) as OtlpSpan;
    expect(JSON.parse(attrs(edited.attributes)['gen_ai.output.messages'] as string)[0].parts[0].content).toBe('EDITED SUMMARY');
  }, 180_000);
});
