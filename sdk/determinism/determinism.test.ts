// Determinism capture through real child processes: what the agent saw must be exactly what the journal holds,
// value by value and in program order, for ESM (named imports too), CommonJS and TypeScript agents.
import { afterAll, describe, expect, it } from 'vitest';
import { readJournalEvents } from '../../test/helpers/journal.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cleanupTempDirs, lastJsonLine, spawnAgent } from './spawnAgent.js';

const VALUE_KINDS = new Set(['random', 'time', 'crypto']);

interface ValueEvent {
  kind: string;
  source: string;
  value: unknown;
}

function valueEvents(journal: string): ValueEvent[] {
  return readJournalEvents(journal)
    .filter((e: TraceEvent) => VALUE_KINDS.has(e.kind))
    .map((e) => {
      const p = e.payload as { source: string; value: unknown };
      return { kind: e.kind, source: p.source, value: p.value };
    });
}

function valuesOf(evs: ValueEvent[], source: string): unknown[] {
  return evs.filter((e) => e.source === source).map((e) => e.value);
}

interface EsmOut {
  random: number[];
  uuid: string[];
  bytes: string[];
  int: number[];
  grv: string[];
  fill: string[];
  time: {
    dateNow: number;
    newDate: number;
    dateCall: string;
    perfNow: number;
    perfImport: number;
    hrtime: [number, number];
    hrtimeBigint: string;
    processHrtime: [number, number];
  };
  semantics: Record<string, unknown>;
}

const ENV = { TZ: 'UTC' };

afterAll(cleanupTempDirs);

describe('determinism capture', () => {
  it('records every source an ESM agent reads (named imports included), exactly once and in program order', async () => {
    const run = await spawnAgent('test/agents/det-esm.mjs', { env: ENV });
    expect(run.stderr.toString()).toBe('');
    expect(run.code).toBe(0);
    const out = lastJsonLine<EsmOut>(run.stdout);
    const evs = valueEvents(run.journal!);

    expect(valuesOf(evs, 'Math.random')).toEqual(out.random);
    expect(valuesOf(evs, 'crypto.randomUUID')).toEqual(out.uuid);
    expect(valuesOf(evs, 'crypto.randomBytes')).toEqual(out.bytes);
    expect(valuesOf(evs, 'crypto.randomInt')).toEqual(out.int);
    expect(valuesOf(evs, 'crypto.getRandomValues')).toEqual(out.grv);
    expect(valuesOf(evs, 'crypto.randomFill')).toEqual(out.fill);
    expect(valuesOf(evs, 'performance.now')).toEqual([out.time.perfNow, out.time.perfImport]);
    expect(valuesOf(evs, 'process.hrtime')).toEqual([out.time.hrtime, out.time.processHrtime]);
    expect(valuesOf(evs, 'process.hrtime.bigint')).toEqual([out.time.hrtimeBigint]);
    // The semantics check reads the clock once more in each form, after the values printed here.
    expect(valuesOf(evs, 'Date.now')[0]).toBe(out.time.dateNow);
    expect(valuesOf(evs, 'new Date')[0]).toBe(out.time.newDate);
    const dateCall = valuesOf(evs, 'Date()')[0] as number;
    expect(Date.parse(out.time.dateCall)).toBe(Math.floor(dateCall / 1000) * 1000);

    // Kinds follow the trace model: numbers/UUIDs are 'random', bytes are 'crypto' (hex), clocks are 'time'.
    const bytesSources = ['crypto.randomBytes', 'crypto.getRandomValues', 'crypto.randomFill'];
    const numberSources = ['Math.random', 'crypto.randomUUID', 'crypto.randomInt'];
    for (const e of evs) {
      const expected = bytesSources.includes(e.source) ? 'crypto' : numberSources.includes(e.source) ? 'random' : 'time';
      expect(e.kind, e.source).toBe(expected);
    }

    const rep = (s: string, n: number): string[] => Array<string>(n).fill(s);
    expect(evs.map((e) => e.source)).toEqual([
      ...rep('Math.random', 3),
      ...rep('crypto.randomUUID', 4),
      ...rep('crypto.randomBytes', 2),
      ...rep('crypto.randomInt', 3),
      ...rep('crypto.getRandomValues', 3),
      ...rep('crypto.randomFill', 2),
      'Date.now',
      'new Date',
      'Date()',
      ...rep('performance.now', 2),
      'process.hrtime',
      'process.hrtime.bigint',
      'process.hrtime',
      // dateSemantics(): `new Date()`, then `Date()`, `new Sub()` and `Date.now()` in its object literal.
      'new Date',
      'Date()',
      'new Date',
      'Date.now',
    ]);
  });

  it('keeps Date semantics identical to an unrecorded run', async () => {
    const [recorded, plain] = await Promise.all([spawnAgent('test/agents/det-esm.mjs', { env: ENV }), spawnAgent('test/agents/det-esm.mjs', { env: ENV, record: false })]);
    const a = lastJsonLine<EsmOut>(recorded.stdout).semantics;
    const b = lastJsonLine<EsmOut>(plain.stdout).semantics;
    expect(a).toEqual(b);
    expect(a.epochIso).toBe(new Date(0).toISOString());
    expect(a.utc).toBe(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(a.instanceofNow).toBe(true);
    expect(a.constructorIsDate).toBe(true);
    expect(a.subInstance).toBe(true);
  });

  it('records a CommonJS agent (destructured requires)', async () => {
    const run = await spawnAgent('test/agents/det-cjs.cjs');
    expect(run.code).toBe(0);
    const out = lastJsonLine<{ random: number[]; uuid: string[]; bytes: string[]; int: number[]; grv: string[]; time: Record<string, unknown> }>(run.stdout);
    const evs = valueEvents(run.journal!);
    expect(valuesOf(evs, 'Math.random')).toEqual(out.random);
    expect(valuesOf(evs, 'crypto.randomUUID')).toEqual(out.uuid);
    expect(valuesOf(evs, 'crypto.randomBytes')).toEqual(out.bytes);
    expect(valuesOf(evs, 'crypto.randomInt')).toEqual(out.int);
    expect(valuesOf(evs, 'crypto.getRandomValues')).toEqual(out.grv);
    expect(valuesOf(evs, 'Date.now')).toEqual([out.time.dateNow]);
    expect(valuesOf(evs, 'new Date')).toEqual([out.time.newDate]);
    expect(valuesOf(evs, 'performance.now')).toEqual([out.time.perfNow]);
    expect(valuesOf(evs, 'process.hrtime.bigint')).toEqual([out.time.hrtimeBigint]);
    expect(evs).toHaveLength(11);
  });

  it('records a TypeScript agent run through tsx', async () => {
    const run = await spawnAgent('test/agents/det-ts.ts');
    expect(run.code).toBe(0);
    const out = lastJsonLine<{ random: number[]; uuid: string[]; bytes: string[]; time: { dateNow: number; newDate: number; perfNow: number } }>(run.stdout);
    const evs = valueEvents(run.journal!);
    expect(evs.map((e) => [e.source, e.value])).toEqual([
      ['Math.random', out.random[0]],
      ['crypto.randomUUID', out.uuid[0]],
      ['crypto.randomBytes', out.bytes[0]],
      ['Date.now', out.time.dateNow],
      ['new Date', out.time.newDate],
      ['performance.now', out.time.perfNow],
    ]);
  });

  it('does not record clock reads of timers, console, fs or util internals', async () => {
    const run = await spawnAgent('test/agents/det-quiet.mjs');
    expect(run.code).toBe(0);
    const { last } = lastJsonLine<{ last: number }>(run.stdout);
    expect(valueEvents(run.journal!)).toEqual([{ kind: 'time', source: 'Date.now', value: last }]);
  });
});
