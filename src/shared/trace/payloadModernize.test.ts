import { describe, expect, it } from 'vitest';
import { PAYLOAD_STEPS, PayloadVersionError, modernizePayload, payloadStepsFrom, type PayloadSteps } from './payloadModernize.js';
import { TRACE_FORMAT_VERSION, type Json } from './types.js';

/** A made-up format 0 whose console payloads called the text `line`. */
const V0_TO_V1: PayloadSteps = {
  0: (kind, p) => {
    if (kind !== 'console' || !p || typeof p !== 'object' || Array.isArray(p)) return p;
    const { line, ...rest } = p;
    return { ...rest, text: line ?? '' };
  },
};

const thrown = (fn: () => unknown): PayloadVersionError => {
  try {
    fn();
  } catch (e) {
    return e as PayloadVersionError;
  }
  throw new Error('did not throw');
};

describe('payload modernizer chain', () => {
  it('is the identity for the current format, with no released steps yet', () => {
    expect(TRACE_FORMAT_VERSION).toBe(1);
    expect(Object.keys(PAYLOAD_STEPS)).toEqual([]);
    const p = { stream: 'stdout', text: 'hi\n' };
    expect(modernizePayload('console', p, 1)).toBe(p);
    expect(payloadStepsFrom(1)).toEqual([]);
  });

  it('runs an older payload through each step up to the target, without touching its input', () => {
    const old: Json = { stream: 'stderr', line: 'boom\n' };
    const copy = structuredClone(old);
    expect(modernizePayload('console', old, 0, V0_TO_V1)).toEqual({ stream: 'stderr', text: 'boom\n' });
    expect(old).toEqual(copy);
    // Other kinds pass through the step unchanged.
    expect(modernizePayload('random', { source: 'Math.random', value: 0.5 }, 0, V0_TO_V1)).toEqual({ source: 'Math.random', value: 0.5 });
    // Steps run in version order: -1 -> 0 -> 1.
    const order: number[] = [];
    const chain: PayloadSteps = { ...V0_TO_V1, [-1]: (_k, p) => (order.push(-1), p), 0: (k, p) => (order.push(0), V0_TO_V1[0](k, p)) };
    expect(modernizePayload('console', { stream: 'stdout', line: 'x' }, -1, chain)).toEqual({ stream: 'stdout', text: 'x' });
    expect(order).toEqual([-1, 0]);
  });

  it('refuses a format newer than this build with ATR_TRACE_VERSION', () => {
    const e = thrown(() => modernizePayload('console', {}, TRACE_FORMAT_VERSION + 1));
    expect(e).toBeInstanceOf(PayloadVersionError);
    expect(e.code).toBe('ATR_TRACE_VERSION');
    expect(e.message).toBe(`trace format ${TRACE_FORMAT_VERSION + 1} is newer than this AgentTrace (it reads up to ${TRACE_FORMAT_VERSION})`);
    expect(e.hint).toMatch(/update AgentTrace/);
  });

  it('refuses a format older than its first step, and a version that is not an integer', () => {
    const e = thrown(() => modernizePayload('console', {}, 0));
    expect(e.code).toBe('ATR_TRACE_VERSION');
    expect(e.message).toBe('trace format 0 cannot be read: no modernizer from it to 1');
    expect(thrown(() => payloadStepsFrom(0.5)).code).toBe('ATR_TRACE_VERSION');
  });
});
