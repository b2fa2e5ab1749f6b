import { describe, expect, it } from 'vitest';
import type { Failure } from '../../shared/afe/types.js';
import type { TraceEvent } from '../../shared/trace/types.js';
import { promptMasker } from './aiMask.js';
import { buildAiPrompt, PROMPT_LIMITS, shownPath } from './aiPrompt.js';

const failure = (file: string, line: number): Failure => ({
  class: 'rate_limit',
  summary: 'the LLM call got 429',
  evidence: [],
  suspects: [],
  status: 429,
  providerCode: 'rate_limit_exceeded',
  userFrame: { file, line, column: 3, functionName: 'ask' },
});

describe('buildAiPrompt', () => {
  const mask = promptMasker({});

  it('shows big files only through excerpts and stays within its bounds', () => {
    const big = Array.from({ length: 3_000 }, (_, i) => `const v${i} = ${i}; // ${'x'.repeat(20)}`).join('\n');
    const small = 'export const md = "```\\ncode\\n```";\n';
    const p = buildAiPrompt(
      { failure: failure('/w/big.js', 1_500), files: [{ path: '/w/small.js', text: small }, { path: '/w/big.js', text: big }], runCwd: '/w' },
      mask,
    );
    expect(p.user).toMatch(/^FILE big\.js \(\d+ KB, too large to show in full: copy search text from its excerpts, without line numbers\)$/m);
    expect(p.user).toContain('> 1500 | const v1499 = 1499;');
    expect(p.user).toContain('  1520 | const v1519');
    expect(p.user).not.toContain('const v1521 ');
    // small.js holds a ``` run, so its fence is longer.
    expect(p.user).toContain('FILE small.js\n````js\nexport const md');
    expect(p.user.length).toBeLessThanOrEqual(PROMPT_LIMITS.userChars + 40);
    expect(p.files.map((f) => f.shown)).toEqual(['small.js', 'big.js']);
    expect(p.user).toContain('provider status: 429 (rate_limit_exceeded)');
  });

  it('renders an HTTP event with its error headers and body, never its request headers', () => {
    const ev: TraceEvent<'http'> = {
      seq: 2,
      kind: 'http',
      ts: 0,
      payload: {
        layer: 'fetch',
        request: { method: 'GET', url: 'https://user:pw@api.example.com/v1/items?token=abc', headers: { cookie: 'sid=SESSIONsecret' } },
        response: { status: 429, headers: { 'retry-after': '3', 'set-cookie': 'sid=x' }, body: { text: '{"error":"slow down"}' } },
      },
    };
    const p = buildAiPrompt({ failure: failure('/w/a.js', 1), files: [], decisiveEvent: ev, runCwd: '/w' }, mask);
    expect(p.user).toContain('request: GET https://***@api.example.com/v1/items?token=***');
    expect(p.user).toContain('response: 429');
    expect(p.user).toContain('response headers: retry-after: 3');
    expect(p.user).toContain('response body: {"error":"slow down"}');
    expect(p.user).not.toContain('SESSIONsecret');
    expect(p.user).not.toContain('set-cookie');
  });

  it('shows paths relative to the run folder, absolute outside it', () => {
    expect(shownPath('/w/src/a.ts', '/w')).toBe('src/a.ts');
    expect(shownPath('/elsewhere/b.ts', '/w')).toBe('/elsewhere/b.ts');
  });
});
