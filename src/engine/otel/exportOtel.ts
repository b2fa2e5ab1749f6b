/**
 * `agenttrace export <run> --otel <file|url>`: one run as one OpenTelemetry trace (GenAI semantic conventions),
 * encoded by the official OTLP serializers (@opentelemetry/otlp-transformer) and written to a file as OTLP/JSON or
 * POSTed to an OTLP/HTTP endpoint. A branch is exported as its own trace holding its whole timeline (the steps it
 * inherits from its ancestors, then its own), with a link to the run it forked from.
 * Stored payloads were masked when recorded; every string attribute is masked again here with the host's secrets
 * (as a trace-file export scans its bytes), so nothing the store let through leaves the machine.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { maskUrl } from '../../shared/trace/redact.js';
import type { Body, HttpPayload } from '../../shared/trace/types.js';
import { resolveBody } from '../api/blobText.js';
import { BadArgsError } from '../errors.js';
import type { TraceStore } from '../store/store.js';
import { StoreMasker } from '../store/storeMasker.js';
import { readableSpans, traceIdOf } from './readableSpans.js';
import { planSpans, SPAN_KINDS, type Attributes, type SpanPlan } from './spanPlan.js';
import { otlpHeaders, sendOtlp, writeOtlpFile, type OtlpSendResult, type OtlpTarget } from './otlpTarget.js';

export interface OtelExportResult {
  runId: string;
  traceId: string;
  spans: number;
  llmSpans: number;
  /** Where it went: the file as given, or the endpoint URL. */
  target: string;
  protocol: 'http/json' | 'http/protobuf';
  bytes: number;
  sent?: OtlpSendResult;
}

/** The run's spans in plan form, every string attribute masked with the host's secrets. */
export function planRunSpans(store: TraceStore, runId: string, env: Record<string, string | undefined>): SpanPlan[] {
  const run = store.getRun(runId);
  if (run.status === 'pending') {
    throw new BadArgsError(`branch ${run.id} has not run yet: it has no timeline to export`, `run it first: agenttrace branch run ${run.id}`);
  }
  const lineage = store.lineage(run);
  const text = (b: Body | undefined): string | undefined => {
    const resolved = resolveBody(store, b);
    return resolved && 'text' in resolved ? resolved.text : undefined;
  };
  const plans = planSpans({
    run,
    events: lineage.events({ kinds: SPAN_KINDS }),
    ownerOf: (seq) => lineage.ownerOf(seq),
    bodies: (p: HttpPayload) => ({ request: text(p.request.body), response: text(p.response?.body) ?? (p.response?.chunks ? p.response.chunks.map((c) => c.data).join('') : undefined) }),
  });
  const masker = new StoreMasker(env);
  const mask = (a: Attributes): void => {
    for (const [k, v] of Object.entries(a)) if (typeof v === 'string') a[k] = masker.json(v);
  };
  for (const p of plans) {
    mask(p.attributes);
    for (const e of p.events) mask(e.attributes);
    if (p.status.message !== undefined) p.status.message = masker.json(p.status.message);
  }
  return plans;
}

/** Exports one run to a file or an OTLP endpoint. */
export async function exportOtel(store: TraceStore, runId: string, target: OtlpTarget, opts: { env: Record<string, string | undefined>; force?: boolean }): Promise<OtelExportResult> {
  const run = store.getRun(runId);
  const plans = planRunSpans(store, runId, opts.env);
  const spans = readableSpans(run, plans);
  const protocol = target.kind === 'http' ? target.protocol : 'http/json';
  const bytes = (protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans);
  if (!bytes) throw new Error('the OTLP serializer produced no bytes');
  const result: OtelExportResult = {
    runId: run.id,
    traceId: traceIdOf(run.id),
    spans: spans.length,
    llmSpans: plans.filter((p) => p.attributes['gen_ai.operation.name'] === 'chat').length,
    target: target.kind === 'file' ? target.display : maskUrl(target.url),
    protocol,
    bytes: bytes.byteLength,
  };
  if (target.kind === 'file') writeOtlpFile(target, bytes, Boolean(opts.force));
  else result.sent = await sendOtlp(target, bytes, otlpHeaders(opts.env));
  return result;
}
