import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { RegressionCase } from '../engine/replay/regressionTest.js';
import { junitXml } from './junitXml.js';

/** Strict sax (in the lockfile via plist): throws on any well-formedness error. */
function wellFormed(xml: string): string[] {
  const sax = createRequire(import.meta.url)('sax') as { parser(strict: boolean): { onerror: (e: Error) => void; onopentag: (n: { name: string }) => void; write(s: string): { close(): void } } };
  const p = sax.parser(true);
  const tags: string[] = [];
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (n) => void tags.push(n.name);
  p.write(xml).close();
  return tags;
}

const base = { script: 'agents/a&b.mjs', details: [], output: '', durationMs: 1234 };

describe('junitXml', () => {
  it('escapes markup, quotes and newlines, and drops characters XML cannot carry (ANSI escapes, NUL)', () => {
    const cases: RegressionCase[] = [
      { ...base, baseline: { ref: 'r1', runId: 'r1' }, status: 'passed', summary: 'passed' },
      {
        ...base,
        baseline: { ref: 'traces/x.agenttrace', runId: 'r2', file: '/p/traces/x.agenttrace' },
        status: 'failed',
        summary: 'diverged at step 3 (llm): "<b>" & \'c\'',
        details: ['  - "a < b"', '  + "a > b"'],
        output: '\u001b[31mred\u001b[0m \u0000 done\n',
      },
      { ...base, baseline: { ref: 'r3', runId: 'r3' }, status: 'error', summary: 'script not found' },
    ];
    const xml = junitXml(cases, new Date('2026-01-02T03:04:05.678Z'));
    expect(wellFormed(xml)).toEqual(['testsuites', 'testsuite', 'testcase', 'testcase', 'failure', 'system-out', 'testcase', 'error']);
    expect(xml).toContain('<testsuites name="agenttrace" tests="3" failures="1" errors="1" time="3.702">');
    expect(xml).toContain('timestamp="2026-01-02T03:04:05"');
    expect(xml).toContain('name="agents/a&amp;b.mjs [traces/x.agenttrace]"');
    expect(xml).toContain('message="diverged at step 3 (llm): &quot;&lt;b&gt;&quot; &amp; \'c\'"');
    expect(xml).toContain('  - "a &lt; b"\n  + "a &gt; b"</failure>');
    expect(xml).toContain('<system-out>[31mred[0m  done\n</system-out>');
  });
});
