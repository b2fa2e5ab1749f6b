/**
 * Test support for the heuristics tests: failures and events shaped like detection's, and the checks every patch
 * must pass (the patched text parses; running the rules again on it does not propose the same fix).
 */
import { expect } from 'vitest';
import type { Failure, FailureClass, UserFrame } from '../../src/shared/afe/types.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { heuristicCandidates, isPatch, type HeuristicCandidate, type HeuristicInput, type HeuristicPatch } from '../../src/engine/afe/heuristics.js';
import { parsesCleanly } from '../../src/engine/afe/sourceEdit.js';

export function failure(cls: FailureClass, opts: { frame?: Partial<UserFrame> & { file: string; line: number }; error?: [string, string]; status?: number; providerCode?: string; evidence?: Failure['evidence'] } = {}): Failure {
  const f: Failure = { class: cls, summary: `${cls} failure`, evidence: opts.evidence ?? [], suspects: [] };
  if (opts.frame) f.userFrame = { column: 1, functionName: '', ...opts.frame };
  if (opts.error) f.error = { name: opts.error[0], message: opts.error[1] };
  if (opts.status !== undefined) f.status = opts.status;
  if (opts.providerCode) f.providerCode = opts.providerCode;
  return f;
}

export function llmEvent(seq: number, p: Partial<LlmPayload> & { url?: string; status?: number; body?: string } = {}): TraceEvent<'llm'> {
  const { url, status, body, ...rest } = p;
  return {
    seq,
    kind: 'llm',
    ts: 1,
    payload: {
      layer: 'fetch',
      request: { method: 'POST', url: url ?? 'https://api.groq.com/openai/v1/chat/completions', headers: {}, body: { text: '{}' } },
      response: { status: status ?? 200, headers: { 'content-type': 'application/json' }, body: { text: body ?? '{}' } },
      provider: 'groq',
      stream: false,
      ...rest,
    },
    fingerprint: 'fp',
  };
}

/** The one patch of a run of the rules with this title pattern (fails the test when absent). */
export function patchOf(list: HeuristicCandidate[], title: RegExp): HeuristicPatch {
  const p = list.find((c) => isPatch(c) && title.test(c.title));
  expect(p, `no patch titled ${title} in ${JSON.stringify(list.map((c) => c.title))}`).toBeDefined();
  return p as HeuristicPatch;
}

/** The after-text of the single file a patch changes. */
export function afterOf(p: HeuristicPatch): string {
  expect(p.files).toHaveLength(1);
  return p.files[0].after;
}

/**
 * Every patch parses, scores in [0, 1], changes only given files; applied, the rules do not propose it again
 * (idempotence). Returns the candidates.
 */
export function run(input: HeuristicInput): HeuristicCandidate[] {
  const list = heuristicCandidates(input);
  for (const c of list) {
    if (!isPatch(c)) {
      expect(c.needsYou.length).toBeGreaterThan(20);
      continue;
    }
    expect(c.specificity).toBeGreaterThan(0);
    expect(c.specificity).toBeLessThanOrEqual(1);
    expect(c.safety).toBeGreaterThan(0);
    expect(c.safety).toBeLessThanOrEqual(1);
    for (const f of c.files) {
      expect(input.files.map((x) => x.path)).toContain(f.path);
      expect(f.after).not.toBe(f.before);
      expect(parsesCleanly(f.path, f.after), `patched ${f.path} does not parse:\n${f.after}`).toBe(true);
    }
    const patched = input.files.map((f) => ({ path: f.path, text: c.files.find((x) => x.path === f.path)?.after ?? f.text }));
    const again = heuristicCandidates({ ...input, files: patched });
    expect(again.filter((a) => isPatch(a) && a.title === c.title), `"${c.title}" proposed again on its own result`).toEqual([]);
  }
  return list;
}
