/**
 * Span plans as the OpenTelemetry SDK's ReadableSpan objects, the input of the official OTLP serializers. Ids are
 * derived from the run id and the step (sha256), so exporting the same run twice yields the same trace and span ids
 * and a backend dedupes or overwrites instead of showing it twice. A branch is its own trace, linked to its
 * parent's root span.
 */
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type Link, type SpanContext } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime, sanitizeAttributes, type InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { StoredRun } from '../store/storeTypes.js';
import type { SpanPlan } from './spanPlan.js';

const hex = (text: string, chars: number): string => createHash('sha256').update(text).digest('hex').slice(0, chars);

/** The trace id of a run (32 hex digits). */
export function traceIdOf(runId: string): string {
  return hex(`agenttrace trace ${runId}`, 32);
}

/** The span id of a run's root span (`run`) or of the span of one of its steps (16 hex digits). */
export function spanIdOf(runId: string, key: 'run' | number): string {
  return hex(`agenttrace span ${runId} ${key}`, 16);
}

function context(traceId: string, spanId: string): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
}

/** The resource of a run's spans: the agent is the service (its script's name), AgentTrace the instrumentation. */
export function runResource(run: StoredRun): Resource {
  const script = run.scriptPath.split(/[\\/]/).pop() || run.scriptPath;
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: script.replace(/\.[cm]?[jt]s$/, ''),
    [ATTR_SERVICE_VERSION]: run.scriptSha256.slice(0, 12),
    'telemetry.sdk.name': 'agenttrace',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': run.sdkVersion,
  });
}

/** The spans of one run, ready for an OTLP serializer. */
export function readableSpans(run: StoredRun, plans: readonly SpanPlan[]): ReadableSpan[] {
  const traceId = traceIdOf(run.id);
  const resource = runResource(run);
  const scope: InstrumentationScope = { name: 'agenttrace', version: run.sdkVersion };
  return plans.map((p): ReadableSpan => {
    const startTime = millisToHrTime(p.startMs);
    const endTime = millisToHrTime(Math.max(p.endMs, p.startMs));
    const links: Link[] = [];
    if (p.key === 'run' && run.parentId !== undefined) {
      // A branch links to the run it forked from (its own trace), where the shared steps were first recorded.
      links.push({ context: context(traceIdOf(run.parentId), spanIdOf(run.parentId, 'run')), attributes: { 'agenttrace.link': 'forked_from', 'agenttrace.run.forked_after_step': run.forkSeq ?? -1 } });
    }
    return {
      name: p.name,
      kind: p.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      spanContext: () => context(traceId, spanIdOf(run.id, p.key)),
      parentSpanContext: p.parentKey === undefined ? undefined : context(traceId, spanIdOf(run.id, p.parentKey)),
      startTime,
      endTime,
      duration: hrTimeDuration(startTime, endTime),
      status: p.status.code === 'error' ? { code: SpanStatusCode.ERROR, message: p.status.message } : { code: SpanStatusCode.UNSET },
      attributes: sanitizeAttributes(p.attributes) as Attributes,
      links,
      events: p.events.map((e) => ({ name: e.name, time: millisToHrTime(e.timeMs), attributes: sanitizeAttributes(e.attributes) as Attributes, droppedAttributesCount: 0 })),
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}
