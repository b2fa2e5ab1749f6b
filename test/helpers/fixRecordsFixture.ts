/**
 * Test helpers for the AutoFix data of trace files (format v2): a detected failure and fix reports shaped like the
 * engine's, attached to the tree of testTraceFiles.ts (its branch B2 is the failed run), and the history of an
 * apply that must never travel.
 */
import type { Failure, FixReport } from '../../src/shared/afe/types.js';
import { recordApply, saveFix } from '../../src/engine/store/fixStore.js';
import type { TraceStore } from '../../src/engine/store/store.js';
import { execSql } from '../../src/engine/store/testSql.js';
import { B2, ROOT, sha } from '../../src/engine/traceFile/testTraceFiles.js';

const SCRIPT = '/home/dev/agent/agent.mjs';
const BEFORE = 'const data = JSON.parse(reply);\nconsole.log(data.temp);\n';
const AFTER = 'const data = parseJsonLoose(reply);\nconsole.log(data.temp);\n';
/** Text of the user's file that only the apply history holds: it must not appear in any export. */
export const APPLY_ONLY_TEXT = 'text the user had before the apply, 7f3c';

export const FAILURE_B2: Failure = {
  class: 'bad_json',
  summary: 'SyntaxError at agent.mjs:1 parsing the reply of step 9',
  seq: 10,
  evidence: [
    { kind: 'error', seq: 10, label: 'SyntaxError: Unexpected token \'S\', "Sure! Here"... is not valid JSON' },
    { kind: 'frame', label: 'agent.mjs:1:19', frame: { file: SCRIPT, line: 1, column: 19, functionName: '', sourceLine: 'const data = JSON.parse(reply);' } },
    { kind: 'event', seq: 9, label: 'llm reply', detail: 'Sure! Here is the weather: {"temp": 21}' },
  ],
  userFrame: { file: SCRIPT, line: 1, column: 19, functionName: '' },
  suspects: [{ seq: 9, kind: 'llm', reason: 'the reply the code parses' }],
  error: { name: 'SyntaxError', message: 'Unexpected token \'S\', "Sure! Here"... is not valid JSON' },
};

/** A finished fix report with a code patch and a "needs you" candidate. */
export function fixReport(id: string, runId: string, over: Partial<FixReport> = {}): FixReport {
  return {
    id,
    runId,
    createdAt: 1_700_000_100_000,
    finishedAt: 1_700_000_103_000,
    status: 'done',
    failure: FAILURE_B2,
    rootCause: {
      status: 'confirmed',
      seq: 9,
      cause: 'The model wrapped its JSON in prose, and the code parses the whole reply.',
      tries: [{ seq: 9, correction: 'reply content → valid JSON extracted from it', branchId: `${runId}__rc-1`, outcome: 'clean' }],
    },
    candidates: [
      {
        n: 1,
        strategy: 'code_patch',
        source: 'heuristic',
        title: 'Parse the JSON inside the reply',
        rationale: 'Models often wrap JSON in text; a tolerant parse reads the object anyway.',
        files: [{ path: SCRIPT, sha256: sha(BEFORE), diff: '--- a/agent.mjs\n+++ b/agent.mjs\n@@ -1 +1 @@\n-const data = JSON.parse(reply);\n+const data = parseJsonLoose(reply);\n', before: BEFORE, after: AFTER }],
        verdict: 'fixed',
        verdictDetail: 'the fork ran to a clean exit',
        branchId: `${runId}__fix-1`,
        answered: { pool: 0, synth: 0, live: 0 },
        regression: [{ runId: ROOT, ok: true }],
        score: { confidence: 0.9, size: 0.95, validation: 1, history: 0.5, safety: 1, specificity: 0.8, total: 0.8775 },
      },
      {
        n: 2,
        strategy: 'prompt_change',
        source: 'ai',
        title: 'Ask for JSON only',
        rationale: 'response_format json_object makes the model answer with JSON alone.',
        files: [],
        verdict: 'needs_you',
        verdictDetail: 'set response_format in the request',
        score: { confidence: 0.5, size: 1, validation: 0, history: 0.5, safety: 1, specificity: 0.5, total: 0.55 },
      },
    ],
    ai: { used: true, model: 'llama-3.3-70b-versatile' },
    replays: 3,
    ...over,
  };
}

/**
 * Gives B2 its failure and two fix reports, and the root (not failed, but fixes can be run on any run) one report
 * that was applied here — with an apply record holding the user's file text.
 */
export function addAfe(store: TraceStore): { b2: FixReport[]; root: FixReport } {
  execSql(store, 'UPDATE runs SET failure_class = ?, failure = ? WHERE id = ?', FAILURE_B2.class, JSON.stringify(FAILURE_B2), B2);
  const b2 = [fixReport('fix-b2aaaa0001', B2), fixReport('fix-b2aaaa0002', B2, { createdAt: 1_700_000_200_000, ai: { used: false, note: 'no Groq key' } })];
  for (const r of b2) saveFix(store, r);
  const root = fixReport('fix-r00t000001', ROOT, { applied: { n: 1, at: 1_700_000_300_000, files: [SCRIPT] } });
  saveFix(store, root);
  recordApply(store, { fixId: root.id, candidate: 1, appliedAt: 1_700_000_300_000, files: [{ path: SCRIPT, beforeSha256: sha(APPLY_ONLY_TEXT), afterSha256: sha(AFTER), before: APPLY_ONLY_TEXT, after: AFTER, mode: 0o644 }] });
  return { b2, root };
}
