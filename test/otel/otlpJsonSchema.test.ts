/** The OTLP/JSON schema the export is checked against refuses the encodings a receiver would misread. */
import { describe, expect, it } from 'vitest';
import { exportTraceServiceRequest } from './otlpJsonSchema.js';

const span = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  parentSpanId: 'eee19b7ec3c1b173',
  name: 'chat gpt-4o',
  kind: 3,
  startTimeUnixNano: '1544712660000000000',
  endTimeUnixNano: '1544712661000000000',
  attributes: [
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
    { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
  ],
  events: [{ timeUnixNano: '1544712660500000000', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'x' } }] }],
  status: { code: 2, message: 'x' },
};
const request = (s: Record<string, unknown>) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }] }, scopeSpans: [{ scope: { name: 'agenttrace' }, spans: [s] }] }] });

describe('OTLP/JSON ExportTraceServiceRequest schema', () => {
  it('accepts a request in the JSON encoding (numbers for 64-bit integers too)', () => {
    expect(exportTraceServiceRequest.safeParse(request(span)).success).toBe(true);
    expect(exportTraceServiceRequest.safeParse(request({ ...span, startTimeUnixNano: 1544712660000000 })).success).toBe(true);
    expect(exportTraceServiceRequest.safeParse({}).success).toBe(true);
  });

  it.each([
    ['a snake_case key', { ...span, trace_id: span.traceId }],
    ['a base64 trace id', { ...span, traceId: 'W47/95gDgQPSabYzgT/GDA==' }],
    ['an all-zero span id', { ...span, spanId: '0000000000000000' }],
    ['a kind given by name', { ...span, kind: 'SPAN_KIND_CLIENT' }],
    ['a fractional time', { ...span, endTimeUnixNano: '1544712661000000000.5' }],
    ['an AnyValue with two values', { ...span, attributes: [{ key: 'k', value: { stringValue: 'a', intValue: 1 } }] }],
    ['a status code out of the enum', { ...span, status: { code: 3 } }],
    ['no name', { ...span, name: '' }],
  ])('refuses %s', (_what, bad) => {
    expect(exportTraceServiceRequest.safeParse(request(bad)).success).toBe(false);
  });
});
