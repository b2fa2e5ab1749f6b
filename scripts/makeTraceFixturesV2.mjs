#!/usr/bin/env node
// Makes the golden trace-file fixture of format v2 in test/fixtures/traceFiles/:
//   node scripts/makeTraceFixturesV2.mjs
// It imports the golden v1 file chain.v1.agenttrace (a real recording, scripts/makeTraceFixtures.mjs) into a
// throwaway store, gives its edited branch a detected failure and two fix reports (written here in the shapes of
// src/shared/afe/types.ts: the chain agent does not fail on its own), and exports the whole tree with the v2 writer:
//   chain.v2.agenttrace           the tree, the branch's failure and its fix reports
//   chain.v2.expected.json        the runs (by id, as in chain.v1.expected.json), the failure and the reports, which
//                                 test/traceFiles/fixturesV2.test.ts compares against
// Released fixtures are frozen: when the format moves to v3, add v3 fixtures next to these instead of remaking them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(REPO, 'test', 'fixtures', 'traceFiles');
const v1 = JSON.parse(fs.readFileSync(path.join(OUT, 'chain.v1.expected.json'), 'utf8'));
// One loader for all engine modules: they share module state (the store's private SQLite handles).
register();
const { openStore } = await import('../src/engine/store/store.ts');
const { saveFix } = await import('../src/engine/store/fixStore.ts');
const { importRunFailure } = await import('../src/engine/store/fixTransfer.ts');
const { importTraceFile } = await import('../src/engine/traceFile/importTrace.ts');
const { exportTrace } = await import('../src/engine/traceFile/exportTrace.ts');

const root = v1.root;
const edited = `${root}__edited`;
const run = v1.runs[edited].run;
const agentText = fs.readFileSync(path.join(OUT, 'agents', 'chain.mjs'), 'utf8');
const script = run.scriptPath;
const sha = (s) => createHash('sha256').update(s).digest('hex');
const line = agentText.split('\n').findIndex((l) => l.includes('console.log(`reply ${i}')) + 1;
const patched = agentText.replace('console.log(`reply ${i}: ${reply}`);', 'console.log(`reply ${i}: ${String(reply).trim()}`);');
if (patched === agentText) throw new Error('the fixture agent changed: update the patch of this script');

const failure = {
  class: 'schema_mismatch',
  summary: `the edited reply of the second call does not have the shape the agent expects (chain.mjs:${line})`,
  seq: 11,
  evidence: [
    { kind: 'event', seq: 11, label: 'llm reply (edited in the branch)', detail: 'EDITED reply' },
    { kind: 'frame', label: `chain.mjs:${line}:3`, frame: { file: script, line, column: 3, functionName: '', sourceLine: 'console.log(`reply ${i}: ${reply}`);' } },
  ],
  userFrame: { file: script, line, column: 3, functionName: '' },
  suspects: [{ seq: 11, kind: 'llm', reason: 'the branch replaced this reply' }],
};
const score = (total) => ({ confidence: 0.8, size: 0.9, validation: 1, history: 0.5, safety: 1, specificity: 0.6, total });
const reports = [
  {
    id: 'fix-c4a1e0d2b7',
    runId: edited,
    createdAt: run.endedAt + 1000,
    finishedAt: run.endedAt + 4000,
    status: 'done',
    failure,
    rootCause: {
      status: 'confirmed',
      seq: 11,
      cause: 'The edited reply at step 11 is printed as it is; the recorded reply ran clean.',
      tries: [{ seq: 11, correction: 'reply content → the recorded reply', branchId: `${edited}__rc-1`, outcome: 'clean' }],
    },
    candidates: [
      {
        n: 1,
        strategy: 'code_patch',
        source: 'heuristic',
        title: 'Normalize the reply before printing it',
        rationale: 'Trimming the reply makes the output independent of surrounding whitespace.',
        files: [{ path: script, sha256: sha(agentText), diff: `--- a/chain.mjs\n+++ b/chain.mjs\n@@ -${line} +${line} @@\n-  console.log(\`reply \${i}: \${reply}\`);\n+  console.log(\`reply \${i}: \${String(reply).trim()}\`);\n`, before: agentText, after: patched }],
        verdict: 'fixed_simulated',
        verdictDetail: 'the fork ran clean; 1 request was answered with a synthesized reply',
        branchId: `${edited}__fix-1`,
        answered: { pool: 0, synth: 1, live: 0 },
        regression: [{ runId: root, ok: true }],
        score: score(0.82),
      },
      { n: 2, strategy: 'prompt_change', source: 'heuristic', title: 'Ask for a one-line reply', rationale: 'A shorter answer is easier to check.', files: [], verdict: 'needs_you', verdictDetail: 'edit the prompt of the second call', score: score(0.41) },
    ],
    ai: { used: false, note: 'no Groq key (--api-key, GROQ_API_KEY or the workbench settings)' },
    replays: 3,
  },
  { id: 'fix-c4a1e0d2b8', runId: edited, createdAt: run.endedAt + 9000, finishedAt: run.endedAt + 9500, status: 'error', error: 'cancelled by the user at stage validate', failure, candidates: [], ai: { used: false }, replays: 1 },
];

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-fixtures-v2-'));
const store = openStore({ home, env: {} });
try {
  await importTraceFile(store, path.join(OUT, 'chain.v1.agenttrace'));
  importRunFailure(store, edited, failure);
  for (const r of reports) saveFix(store, r);
  const res = await exportTrace(store, root, { out: path.join(OUT, 'chain.v2.agenttrace'), force: true, env: process.env });
  const expected = {
    generatedBy: 'scripts/makeTraceFixturesV2.mjs',
    from: 'chain.v1.agenttrace',
    focus: res.focus,
    root: res.root,
    runs: res.runs.map((r) => r.id),
    failures: { [edited]: failure },
    fixes: reports,
  };
  fs.writeFileSync(path.join(OUT, 'chain.v2.expected.json'), JSON.stringify(expected, null, 1) + '\n');
  console.log(`chain.v2.agenttrace: ${res.bytes} bytes, ${res.runs.length} runs, ${res.fixes} fix reports`);
} finally {
  store.close();
  fs.rmSync(home, { recursive: true, force: true });
}
