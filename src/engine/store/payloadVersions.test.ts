/**
 * Stored payloads and the trace format version: the golden payloads of format 1 (test/fixtures/payloads/v1.json,
 * one per event kind) come out of the chain and out of a real store unchanged and in the shapes the engine reads;
 * a run stored in an older format is read through the chain's steps (a made-up 0 -> 1 step here); a run from a
 * newer AgentTrace, or older than any step, fails with ATR_TRACE_VERSION.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toEventSummary } from '../../shared/model/eventSummary.js';
import { modernizePayload, type PayloadSteps } from '../../shared/trace/payloadModernize.js';
import type { EventKind, Json, TraceEvent } from '../../shared/trace/types.js';
import { AtrError } from '../errors.js';
import type { TraceStore } from './store.js';
import { execSql } from './testSql.js';
import { journal, meta } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/payloads/v1.json');
const golden = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { formatVersion: number; payloads: Record<EventKind, Json> };
const KINDS: EventKind[] = ['llm', 'http', 'random', 'time', 'crypto', 'fs', 'console', 'step', 'tool', 'state', 'error', 'exit'];

const { open } = testStores('atr-payload-');

type Check = (p: Record<string, unknown>) => boolean;
const str = (v: unknown): boolean => typeof v === 'string';
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const obj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const request: Check = (p) => obj(p.request) && str(p.request.method) && str(p.request.url) && obj(p.request.headers);
const response: Check = (p) => p.response === undefined || (obj(p.response) && num(p.response.status) && obj(p.response.headers));
/** The fields each kind's readers rely on (src/shared/trace/types.ts PayloadByKind). */
const SHAPES: Record<EventKind, Check> = {
  llm: (p) => request(p) && response(p) && ['openai', 'groq', 'anthropic', 'openai-compatible'].includes(p.provider as string) && typeof p.stream === 'boolean',
  http: (p) => ['fetch', 'http'].includes(p.layer as string) && request(p) && response(p),
  random: (p) => str(p.source) && (num(p.value) || str(p.value)),
  crypto: (p) => str(p.source) && (num(p.value) || str(p.value)),
  time: (p) => str(p.source) && (num(p.value) || str(p.value) || Array.isArray(p.value)),
  fs: (p) => str(p.op) && str(p.path) && ['sync', 'callback', 'promise', 'stream'].includes(p.api as string),
  console: (p) => ['stdout', 'stderr'].includes(p.stream as string) && str(p.text),
  step: (p) => str(p.name),
  tool: (p) => str(p.name),
  state: (p) => str(p.name) && Array.isArray(p.ops) && p.ops.every((o) => obj(o) && ['set', 'del'].includes(o.op as string) && Array.isArray(o.path)),
  error: (p) => ['uncaughtException', 'unhandledRejection'].includes(p.origin as string) && str(p.name) && str(p.message),
  exit: (p) => p.code === null || num(p.code),
};

function recordGolden(s: TraceStore, id: string): void {
  const lines = KINDS.map((kind, seq) => ({ t: 'ev' as const, seq, kind, ts: seq, payload: golden.payloads[kind] as never }));
  s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id) }, ...lines, { t: 'end', status: 'failed', exit: { code: 1 }, endedAt: 99, steps: KINDS.length }));
}

describe('golden payloads of trace format 1', () => {
  it('has one payload of every kind, each in the shape its readers expect', () => {
    expect(golden.formatVersion).toBe(1);
    expect(Object.keys(golden.payloads).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(SHAPES[kind](golden.payloads[kind] as Record<string, unknown>), kind).toBe(true);
  });

  it('come out of the chain unchanged, and the derivations read them', () => {
    for (const kind of KINDS) {
      const before = structuredClone(golden.payloads[kind]);
      const out = modernizePayload(kind, golden.payloads[kind], 1);
      expect(out, kind).toEqual(before);
      expect(SHAPES[kind](out as unknown as Record<string, unknown>), kind).toBe(true);
      expect(toEventSummary({ seq: 0, kind, ts: 0, payload: out } as TraceEvent).title, kind).not.toBe('');
    }
  });

  it('come out of a real store unchanged', () => {
    const s = open();
    recordGolden(s, 'gold');
    const events = s.getEvents('gold');
    expect(events.map((e) => e.kind)).toEqual(KINDS);
    for (const e of events) expect(e.payload, e.kind).toEqual(golden.payloads[e.kind]);
  });
});

describe('runs stored in another format', () => {
  /** A made-up format 0: console text was `line`, state ops were `changes`. */
  const V0: PayloadSteps = {
    0: (kind, p) => {
      if (!obj(p)) return p;
      if (kind === 'console' && 'line' in p) return { stream: p.stream as Json, text: p.line as Json };
      if (kind === 'state' && 'changes' in p) return { name: p.name as Json, ops: p.changes as Json };
      return p;
    },
  };

  function recordV0(s: TraceStore): void {
    s.ingestor('old').ingestText(
      journal(
        { t: 'run', meta: meta('old') },
        { t: 'ev', seq: 0, kind: 'console', ts: 0, payload: { stream: 'stdout', line: 'from v0\n' } as never },
        { t: 'ev', seq: 1, kind: 'state', ts: 1, payload: { name: 'mem', changes: [{ op: 'set', path: ['goal'], value: 'x' }] } as never },
        { t: 'ev', seq: 2, kind: 'random', ts: 2, payload: { source: 'Math.random', value: 0.5 } },
        { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 3, steps: 3 },
      ),
    );
    execSql(s, "UPDATE runs SET format_version = 0 WHERE id = 'old'");
  }

  it('an older run is read through the steps: events, one event, the lineage and the state fold', () => {
    const s = open(undefined, { payloadSteps: V0 });
    recordV0(s);
    expect(s.getEvents('old').map((e) => e.payload)).toEqual([
      { stream: 'stdout', text: 'from v0\n' },
      { name: 'mem', ops: [{ op: 'set', path: ['goal'], value: 'x' }] },
      { source: 'Math.random', value: 0.5 },
    ]);
    expect(s.getEvent('old', 0)?.payload).toEqual({ stream: 'stdout', text: 'from v0\n' });
    expect(s.lineage('old').eventAt(0)?.payload).toEqual({ stream: 'stdout', text: 'from v0\n' });
    expect(s.lineage('old').stateAt(2).tracked).toEqual({ mem: { goal: 'x' } });
  });

  it('an older run without a step, or a newer one, fails with ATR_TRACE_VERSION', () => {
    const s = open();
    recordV0(s);
    const err = (fn: () => unknown): AtrError => {
      try {
        fn();
      } catch (e) {
        return e as AtrError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => s.getEvents('old')).code).toBe('ATR_TRACE_VERSION');
    expect(err(() => s.getEvents('old')).message).toBe('run old: trace format 0 cannot be read: no modernizer from it to 1');
    execSql(s, "UPDATE runs SET format_version = 2 WHERE id = 'old'");
    const newer = err(() => s.lineage('old').events());
    expect(newer).toBeInstanceOf(AtrError);
    expect(newer.code).toBe('ATR_TRACE_VERSION');
    expect(newer.message).toBe('run old: trace format 2 is newer than this AgentTrace (it reads up to 1)');
    expect(err(() => s.stateAt('old', 1)).code).toBe('ATR_TRACE_VERSION');
  });
});
