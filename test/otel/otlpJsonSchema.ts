/**
 * The OTLP/JSON encoding of `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` as a zod schema,
 * written from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto) and
 * the OTLP specification's JSON rules:
 * - keys are the proto fields' lowerCamelCase JSON names (unknown keys are refused here: a snake_case key or a typo
 *   would be silently dropped by a receiver);
 * - trace_id / span_id (bytes) are hex strings, not base64: 32 and 16 hex digits, an all-zero id is invalid;
 *   parent_span_id is 16 hex digits or empty (a root span);
 * - 64-bit integers (fixed64 times, int64 intValue) are decimal strings, numbers accepted (proto3 JSON mapping);
 * - enums (Span.kind, Status.code) are integers; fixed32 flags and uint32 counts are integers;
 * - fields with default values may be left out, except what the proto calls required (ids, name, times).
 */
import { z } from 'zod';

const hexId = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes}-byte id as ${bytes * 2} lowercase hex digits`)
    .refine((s) => /[^0]/.test(s), 'an all-zero id is invalid');

const uint32 = z.number().int().min(0).max(0xffffffff);
/** fixed64 / uint64: a decimal string (what encoders write) or a safe integer. */
const uint64 = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]);
const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]);

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string | number } | { doubleValue: number | string } | { arrayValue: { values?: AnyValue[] } } | { kvlistValue: { values?: KeyValue[] } } | { bytesValue: string };
interface KeyValue {
  key: string;
  value?: AnyValue;
}

/** common.proto AnyValue: a oneof, so exactly one of its fields. */
export const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.union([
    z.object({ stringValue: z.string() }).strict(),
    z.object({ boolValue: z.boolean() }).strict(),
    z.object({ intValue: int64 }).strict(),
    z.object({ doubleValue: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]) }).strict(),
    z.object({ arrayValue: z.object({ values: z.array(anyValue).optional() }).strict() }).strict(),
    z.object({ kvlistValue: z.object({ values: z.array(keyValue).optional() }).strict() }).strict(),
    z.object({ bytesValue: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
  ]),
);

export const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: z.string(), value: anyValue.optional() }).strict());

const attributes = z.array(keyValue);

/** resource.proto Resource. */
const resource = z
  .object({
    attributes: attributes.optional(),
    droppedAttributesCount: uint32.optional(),
    entityRefs: z.array(z.object({ schemaUrl: z.string().optional(), type: z.string(), idKeys: z.array(z.string()), descriptionKeys: z.array(z.string()).optional() }).strict()).optional(),
  })
  .strict();

/** common.proto InstrumentationScope. */
const scope = z.object({ name: z.string().optional(), version: z.string().optional(), attributes: attributes.optional(), droppedAttributesCount: uint32.optional() }).strict();

/** trace.proto Span.Event. */
const spanEvent = z.object({ timeUnixNano: uint64, name: z.string(), attributes: attributes.optional(), droppedAttributesCount: uint32.optional() }).strict();

/** trace.proto Span.Link. */
const spanLink = z
  .object({
    traceId: hexId(16),
    spanId: hexId(8),
    traceState: z.string().optional(),
    attributes: attributes.optional(),
    droppedAttributesCount: uint32.optional(),
    flags: uint32.optional(),
  })
  .strict();

/** trace.proto Status; StatusCode UNSET 0, OK 1, ERROR 2. */
const status = z.object({ message: z.string().optional(), code: z.number().int().min(0).max(2).optional() }).strict();

/** trace.proto Span; SpanKind UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5. */
export const span = z
  .object({
    traceId: hexId(16),
    spanId: hexId(8),
    traceState: z.string().optional(),
    parentSpanId: z.union([hexId(8), z.literal('')]).optional(),
    flags: uint32.optional(),
    name: z.string().min(1),
    kind: z.number().int().min(0).max(5).optional(),
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes: attributes.optional(),
    droppedAttributesCount: uint32.optional(),
    events: z.array(spanEvent).optional(),
    droppedEventsCount: uint32.optional(),
    links: z.array(spanLink).optional(),
    droppedLinksCount: uint32.optional(),
    status: status.optional(),
  })
  .strict();

const scopeSpans = z.object({ scope: scope.optional(), spans: z.array(span).optional(), schemaUrl: z.string().optional() }).strict();
const resourceSpans = z.object({ resource: resource.optional(), scopeSpans: z.array(scopeSpans).optional(), schemaUrl: z.string().optional() }).strict();

/** trace_service.proto ExportTraceServiceRequest. */
export const exportTraceServiceRequest = z.object({ resourceSpans: z.array(resourceSpans).optional() }).strict();

export type ExportTraceServiceRequest = z.infer<typeof exportTraceServiceRequest>;
export type OtlpSpan = z.infer<typeof span>;

/** A span's attributes as a plain record (string, bool, number; arrays as arrays of their values). */
export function attrs(list: readonly KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const plain = (v: AnyValue | undefined): unknown => {
    if (!v) return undefined;
    if ('stringValue' in v) return v.stringValue;
    if ('boolValue' in v) return v.boolValue;
    if ('intValue' in v) return Number(v.intValue);
    if ('doubleValue' in v) return Number(v.doubleValue);
    if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(plain);
    if ('kvlistValue' in v) return attrs(v.kvlistValue.values);
    return v.bytesValue;
  };
  for (const kv of list ?? []) out[kv.key] = plain(kv.value);
  return out;
}
