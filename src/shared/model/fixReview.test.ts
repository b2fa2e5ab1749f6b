import { describe, expect, it } from 'vitest';
import type { Failure, FixCandidate, FixProgress, FixReport, RootCause } from '../afe/types.js';
import { diffStat, evidenceChain, failureClassLabel, NO_PROGRESS, reduceProgress, relativeTo, scoreRows, scoreText, stageList, verdictTone, type ProgressState } from './fixReview.js';

const ev = (stage: FixProgress['stage'], message: string, done?: number, total?: number): FixProgress => ({ fixId: 'fix-1', runId: 'r', stage, message, ...(done !== undefined ? { done, total } : {}) });
const fold = (events: FixProgress[]): ProgressState => events.reduce(reduceProgress, NO_PROGRESS);
const states = (p: ProgressState, r?: FixReport): string[] => stageList(p, r).map((s) => `${s.label}:${s.state}`);

const score = { confidence: 0.9, size: 0.8, validation: 1, history: 0.5, safety: 1, specificity: 0.6, total: 0.86 };
const cand = (over: Partial<FixCandidate>): FixCandidate => ({ n: 1, strategy: 'code_patch', source: 'heuristic', title: 't', rationale: 'r', files: [], verdict: 'pending', verdictDetail: '', score, ...over });
const report = (over: Partial<FixReport>): FixReport => ({ id: 'fix-1', runId: 'r', createdAt: 0, status: 'running', candidates: [], ai: { used: false }, replays: 0, ...over });
const failure: Failure = {
  class: 'bad_json',
  summary: 'JSON.parse failed on the reply of step 4',
  seq: 9,
  evidence: [
    { kind: 'error', seq: 9, label: 'SyntaxError: Unexpected token `' },
    // As detection writes a frame link: the source line both in `detail` (for the CLI) and in the frame.
    { kind: 'frame', label: 'at main (agent.mjs:12)', detail: 'const plan = JSON.parse(reply);', frame: { file: '/home/u/proj/agent.mjs', line: 12, column: 5, functionName: 'main', sourceLine: 'const plan = JSON.parse(reply);' } },
    { kind: 'event', seq: 4, label: 'LLM reply of step 4', detail: '```json {...} ```' },
  ],
  suspects: [{ seq: 4, kind: 'llm', reason: 'its reply was parsed' }],
};

describe('stage strip from fixProgress events', () => {
  it('before any event: detect is active, the rest pending', () => {
    expect(states(NO_PROGRESS)).toEqual(['Detect:active', 'Root cause:pending', 'Candidates:pending', 'Validate:pending', 'Ranked:pending']);
  });

  it('follows the events: validating k of n with the stage messages as details', () => {
    const p = fold([ev('detect', 'detecting'), ev('rootCause', 'replaying a fork at step 4 (1/2)', 0, 2), ev('candidates', 'generating'), ev('validate', 'validating 3', 0, 3), ev('validate', 'validated 1/3: strip fences', 1, 3)]);
    const list = stageList(p);
    expect(list.map((s) => `${s.label}:${s.state}`)).toEqual(['Detect:done', 'Root cause:done', 'Candidates:done', 'Validating 1 of 3:active', 'Ranked:pending']);
    expect(list[3].detail).toBe('validated 1/3: strip fences');
    expect(list[1].detail).toBe('replaying a fork at step 4 (1/2)');
    expect(list[4].detail).toBeUndefined();
  });

  it('the done event or a finished report marks every stage done', () => {
    const p = fold([ev('detect', 'd'), ev('validate', 'v', 2, 2), ev('rank', 'ranking'), ev('done', '2 candidates')]);
    expect(states(p)).toEqual(['Detect:done', 'Root cause:done', 'Candidates:done', 'Validated 2:done', 'Ranked:done']);
    expect(states(NO_PROGRESS, report({ status: 'done', failure, rootCause: { status: 'confirmed', seq: 4, cause: 'c', tries: [] }, candidates: [cand({ verdict: 'fixed' })] }))).toEqual([
      'Detect:done',
      'Root cause:done',
      'Candidates:done',
      'Validated 1:done',
      'Ranked:done',
    ]);
  });

  it('a cancelled fix shows where it stopped; a reopened page finds that from the report alone', () => {
    const p = fold([ev('detect', 'd'), ev('rootCause', 'r'), ev('candidates', 'c'), ev('validate', 'v', 1, 4), ev('done', 'cancelled')]);
    expect(states(p, report({ status: 'cancelled' }))).toEqual(['Detect:done', 'Root cause:done', 'Candidates:done', 'Validating 1 of 4:stopped', 'Ranked:pending']);
    const saved = report({ status: 'cancelled', failure, rootCause: { status: 'suspected', cause: 'c', tries: [] }, candidates: [cand({ verdict: 'fixed' }), cand({ n: 2, verdict: 'pending' })] });
    expect(states(NO_PROGRESS, saved)).toEqual(['Detect:done', 'Root cause:done', 'Candidates:done', 'Validating 0 of 2:stopped', 'Ranked:pending']);
    expect(states(NO_PROGRESS, report({ status: 'error' }))).toEqual(['Detect:stopped', 'Root cause:pending', 'Candidates:pending', 'Validate:pending', 'Ranked:pending']);
  });

  it('a run that did not fail stops after detection', () => {
    expect(states(fold([ev('detect', 'd'), ev('done', 'did not fail')]), report({ status: 'no_failure' }))).toEqual(['Detect:done', 'Root cause:pending', 'Candidates:pending', 'Validate:pending', 'Ranked:pending']);
  });
});

describe('score breakdown', () => {
  it('six factors, heaviest first, weight × value, summing to the total', () => {
    const rows = scoreRows(score);
    expect(rows.map((r) => [r.factor, r.weight, r.value, r.contribution])).toEqual([
      ['confidence', 0.3, 0.9, 0.27],
      ['validation', 0.25, 1, 0.25],
      ['size', 0.15, 0.8, 0.12],
      ['history', 0.15, 0.5, 0.075],
      ['safety', 0.1, 1, 0.1],
      ['specificity', 0.05, 0.6, 0.03],
    ]);
    expect(rows.reduce((n, r) => n + r.contribution, 0)).toBeCloseTo(0.845, 6);
    expect(rows.map((r) => r.label)).toContain('Historical pattern');
  });

  it('out-of-range and non-finite values are clamped, not shown as nonsense', () => {
    const rows = scoreRows({ ...score, confidence: 1.7, size: -1, history: Number.NaN });
    expect(rows.find((r) => r.factor === 'confidence')?.value).toBe(1);
    expect(rows.find((r) => r.factor === 'size')?.value).toBe(0);
    expect(rows.find((r) => r.factor === 'history')?.value).toBe(0);
    expect(scoreText(0.8449)).toBe('0.84');
  });
});

describe('evidence chain', () => {
  it('error → your code (with source) → decisive event, confirmed by replay stated plainly', () => {
    const rc: RootCause = { status: 'confirmed', seq: 4, cause: 'the model wrapped its JSON in code fences', tries: [{ seq: 4, correction: 'reply → the JSON inside the fences', outcome: 'clean', simulated: 1 }] };
    const v = evidenceChain(failure, rc);
    expect(v.statusText).toBe('confirmed by replay');
    expect(v.items.map((i) => [i.role, i.seq ?? null, i.decisive])).toEqual([
      ['Error', 9, false],
      ['Your code', null, false],
      ['Recorded event', 4, true],
    ]);
    expect(v.items[1]).toMatchObject({ where: 'agent.mjs:12:5 in main', source: 'const plan = JSON.parse(reply);' });
    expect(v.tries).toEqual(['step 4: reply → the JSON inside the fences → ran clean (1 simulated)']);
    expect(v.decisiveSeq).toBe(4);
  });

  it('your code shows its source line once: a detail repeating the frame\'s line is dropped, other details stay', () => {
    const shown = (items: ReturnType<typeof evidenceChain>['items']): string[] => items.flatMap((i) => [i.source, i.detail]).filter((t): t is string => t !== undefined);
    const code = evidenceChain(failure, undefined).items[1];
    expect(code).toMatchObject({ role: 'Your code', source: 'const plan = JSON.parse(reply);' });
    expect(code.detail).toBeUndefined();
    expect(shown([code]).filter((t) => t.includes('JSON.parse(reply)'))).toHaveLength(1);
    // The same line with other indentation or spacing is still the same line.
    const frame = { file: '/p/a.mjs', line: 3, column: 1, functionName: 'f', sourceLine: 'x  =  JSON.parse(y);' };
    const spaced = evidenceChain({ ...failure, evidence: [{ kind: 'frame', label: 'at f', detail: '    x = JSON.parse(y);  ', frame }] }, undefined).items[0];
    expect(shown([spaced])).toEqual(['x  =  JSON.parse(y);']);
    // A detail that says something else, or a frame without a source line, keeps its detail.
    const other = evidenceChain({ ...failure, evidence: [{ kind: 'frame', label: 'at f', detail: 'called from the retry loop', frame }] }, undefined).items[0];
    expect(shown([other])).toEqual(['x  =  JSON.parse(y);', 'called from the retry loop']);
    const { sourceLine: _omit, ...bare } = frame;
    const noSource = evidenceChain({ ...failure, evidence: [{ kind: 'frame', label: 'at f', detail: 'x = JSON.parse(y);', frame: bare }] }, undefined).items[0];
    expect(shown([noSource])).toEqual(['x = JSON.parse(y);']);
  });

  it('suspected is never blurred with confirmed; a decisive step missing from the evidence is appended', () => {
    const v = evidenceChain(failure, { status: 'suspected', seq: 6, cause: 'maybe the tool result', tries: [{ seq: 4, correction: 'x', outcome: 'failed' }] });
    expect(v.statusText).toBe('suspected (not confirmed by replay)');
    expect(v.items.at(-1)).toMatchObject({ seq: 6, decisive: true, detail: 'maybe the tool result' });
    expect(v.items.filter((i) => i.decisive)).toHaveLength(1);
    expect(v.tries[0]).toBe('step 4: x → failed again');
    expect(evidenceChain(undefined, undefined)).toMatchObject({ items: [], statusText: 'not found', status: 'unknown' });
  });
});

describe('labels', () => {
  it('verdict tones and failure class names', () => {
    expect(['fixed', 'fixed_simulated', 'not_fixed', 'regressed', 'needs_you', 'error', 'pending'].map((v) => verdictTone(v as FixCandidate['verdict']))).toEqual(['good', 'warn', 'bad', 'bad', 'warn', 'bad', 'neutral']);
    expect(failureClassLabel('bad_json')).toBe('bad JSON');
    expect(failureClassLabel('rate_limit')).toBe('rate limit');
  });

  it('paths relative to the run folder and diff stats', () => {
    expect(relativeTo('/home/u/proj/src/agent.mjs', '/home/u/proj')).toBe('src/agent.mjs');
    expect(relativeTo('/elsewhere/a.mjs', '/home/u/proj')).toBe('/elsewhere/a.mjs');
    expect(diffStat('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n+c\n d\n')).toEqual({ added: 2, removed: 1 });
  });
});
