import { describe, expect, it } from 'vitest';
import type { DiffReport, DiffRunInfo } from '../../engine/runs/diffStoredRuns.js';
import { diffText, paint, useColor } from './diff.js';

const info = (id: string, extra: Partial<DiffRunInfo> = {}): DiffRunInfo => ({
  id,
  scriptPath: '/agents/demo.mjs',
  status: 'ok',
  exitCode: 0,
  exitSignal: null,
  steps: 10,
  llmCalls: 2,
  totalTokens: 300,
  costUsd: 0.0125,
  unpricedCalls: 0,
  durationMs: 1500,
  ...extra,
});

const report = (): DiffReport => ({
  a: info('run-a'),
  b: info('run-a__fix', { parentId: 'run-a', forkSeq: 3, status: 'failed', exitCode: 1, steps: 12, totalTokens: 350, unpricedCalls: 1, durationMs: 900 }),
  identical: false,
  ignoredKinds: [],
  firstDivergence: { seqA: 4, seqB: 4, kind: 'llm', reason: 'llm reply changed', fields: ['reply', 'response'] },
  changedReplies: [{ seqA: 4, seqB: 4, kind: 'llm', label: 'llm:gpt-4o', model: 'gpt-4o', before: { role: 'assistant', content: 'Paris is the capital' }, after: { role: 'assistant', content: 'Lyon, obviously' } }],
  changedResults: [{ seqA: 6, seqB: 6, kind: 'http', label: 'http:GET http://api/x', before: { status: 200, body: 'ok' }, after: { status: 503, body: 'busy' } }],
  onlyInA: [],
  onlyInB: [
    { seq: 10, kind: 'console' },
    { seq: 11, kind: 'exit' },
  ],
  counts: { aligned: 10, same: 4, changed: 6, onlyInA: 0, onlyInB: 2 },
  delta: { tokens: 50, costUsd: null, durationMs: -600, steps: 2 },
});

describe('diffText', () => {
  it('prints the divergence, the changes, the one-sided steps and the deltas', () => {
    const text = diffText(report(), paint(false));
    expect(text).toContain('B  run-a__fix  demo.mjs  failed (exit 1), branch of run-a from step 4');
    expect(text).toContain('First divergence: step 4  llm reply changed: reply, response differ');
    expect(text).toContain('  step 4  gpt-4o  "Paris is the capital" → "Lyon, obviously"');
    expect(text).toContain('  step 6  http:GET http://api/x  200 "ok" → 503 "busy"');
    expect(text).toContain('Only in B (2): 10 console, 11 exit');
    expect(text).toMatch(/^Cost\s+\$0\.0125\s+\$0\.0125 \+ 1 unpriced\s+unknown$/m);
    expect(text).toMatch(/^Duration\s+1\.5s\s+900ms\s+-600ms$/m);
    expect(text).toMatch(/^Exit\s+ok \(exit 0\)\s+failed \(exit 1\)\s+differs$/m);
    expect(text).not.toContain('\x1b[');
  });

  it('colors only when asked, and is asked only on a terminal without NO_COLOR', () => {
    const colored = diffText(report(), paint(true));
    expect(colored).toContain('\x1b[31m"Paris is the capital"\x1b[39m → \x1b[32m"Lyon, obviously"\x1b[39m');
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
  });
});
