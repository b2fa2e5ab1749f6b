/**
 * Decodes a binary protobuf `ExportTraceServiceRequest` (what an OTLP/HTTP receiver gets with
 * `content-type: application/x-protobuf`) into its OTLP/JSON form, so a test receiver can check it with the same
 * schema as the JSON file. Field numbers and types from opentelemetry-proto (trace/v1/trace.proto,
 * common/v1/common.proto, resource/v1/resource.proto, collector/trace/v1/trace_service.proto). Only what the trace
 * request holds; the wire format is the protobuf encoding (varint, 64-bit, length-delimited, 32-bit).
 */

type Kind = 'string' | 'hex' | 'bytes64' | 'varint' | 'bool' | 'int64' | 'fixed64' | 'fixed32' | 'double' | MessageDef;
interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
}
type MessageDef = { [no: number]: Field };

const keyValue: MessageDef = {};
const anyValue: MessageDef = {};
const arrayValue: MessageDef = { 1: { name: 'values', kind: anyValue, repeated: true } };
const kvList: MessageDef = { 1: { name: 'values', kind: keyValue, repeated: true } };
Object.assign(keyValue, { 1: { name: 'key', kind: 'string' }, 2: { name: 'value', kind: anyValue } });
Object.assign(anyValue, {
  1: { name: 'stringValue', kind: 'string' },
  2: { name: 'boolValue', kind: 'bool' },
  3: { name: 'intValue', kind: 'int64' },
  4: { name: 'doubleValue', kind: 'double' },
  5: { name: 'arrayValue', kind: arrayValue },
  6: { name: 'kvlistValue', kind: kvList },
  7: { name: 'bytesValue', kind: 'bytes64' },
});
const attributes = (no: number): MessageDef => ({ [no]: { name: 'attributes', kind: keyValue, repeated: true } });
const resource: MessageDef = { ...attributes(1), 2: { name: 'droppedAttributesCount', kind: 'varint' } };
const scope: MessageDef = { 1: { name: 'name', kind: 'string' }, 2: { name: 'version', kind: 'string' }, ...attributes(3), 4: { name: 'droppedAttributesCount', kind: 'varint' } };
const event: MessageDef = { 1: { name: 'timeUnixNano', kind: 'fixed64' }, 2: { name: 'name', kind: 'string' }, ...attributes(3), 4: { name: 'droppedAttributesCount', kind: 'varint' } };
const link: MessageDef = {
  1: { name: 'traceId', kind: 'hex' },
  2: { name: 'spanId', kind: 'hex' },
  3: { name: 'traceState', kind: 'string' },
  ...attributes(4),
  5: { name: 'droppedAttributesCount', kind: 'varint' },
  6: { name: 'flags', kind: 'fixed32' },
};
const status: MessageDef = { 2: { name: 'message', kind: 'string' }, 3: { name: 'code', kind: 'varint' } };
const span: MessageDef = {
  1: { name: 'traceId', kind: 'hex' },
  2: { name: 'spanId', kind: 'hex' },
  3: { name: 'traceState', kind: 'string' },
  4: { name: 'parentSpanId', kind: 'hex' },
  5: { name: 'name', kind: 'string' },
  6: { name: 'kind', kind: 'varint' },
  7: { name: 'startTimeUnixNano', kind: 'fixed64' },
  8: { name: 'endTimeUnixNano', kind: 'fixed64' },
  ...attributes(9),
  10: { name: 'droppedAttributesCount', kind: 'varint' },
  11: { name: 'events', kind: event, repeated: true },
  12: { name: 'droppedEventsCount', kind: 'varint' },
  13: { name: 'links', kind: link, repeated: true },
  14: { name: 'droppedLinksCount', kind: 'varint' },
  15: { name: 'status', kind: status },
  16: { name: 'flags', kind: 'fixed32' },
};
const scopeSpans: MessageDef = { 1: { name: 'scope', kind: scope }, 2: { name: 'spans', kind: span, repeated: true }, 3: { name: 'schemaUrl', kind: 'string' } };
const resourceSpans: MessageDef = { 1: { name: 'resource', kind: resource }, 2: { name: 'scopeSpans', kind: scopeSpans, repeated: true }, 3: { name: 'schemaUrl', kind: 'string' } };
const request: MessageDef = { 1: { name: 'resourceSpans', kind: resourceSpans, repeated: true } };

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function value(kind: Kind, wire: number, r: Reader): unknown {
  const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (wire === 0) {
    const v = r.varint();
    if (kind === 'bool') return v !== 0n;
    if (kind === 'int64') return BigInt.asIntN(64, v).toString();
    return Number(v);
  }
  if (wire === 1) {
    const b = r.take(8);
    if (kind === 'double') return view(b).getFloat64(0, true);
    return view(b).getBigUint64(0, true).toString();
  }
  if (wire === 5) return view(r.take(4)).getUint32(0, true);
  if (wire !== 2) throw new Error(`unsupported wire type ${wire}`);
  const bytes = r.take(Number(r.varint()));
  if (kind === 'string') return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (kind === 'hex') return Buffer.from(bytes).toString('hex');
  if (kind === 'bytes64') return Buffer.from(bytes).toString('base64');
  if (typeof kind === 'object') return message(kind, bytes);
  throw new Error(`length-delimited field for a ${kind}`);
}

function message(def: MessageDef, bytes: Uint8Array): Record<string, unknown> {
  const r = new Reader(bytes);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = Number(r.varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    const field = def[no];
    if (!field) throw new Error(`unknown field ${no} (wire ${wire})`);
    const v = value(field.kind, wire, r);
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(v);
    else out[field.name] = v;
  }
  return out;
}

/** The request in OTLP/JSON form (unknown fields throw: the encoder must only write fields of the proto). */
export function decodeExportTraceRequest(bytes: Uint8Array): unknown {
  return message(request, bytes);
}
