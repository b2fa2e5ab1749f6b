/**
 * Data of the workbench benchmark (bench/ui.ts), prepared with the real CLI on a temporary AGENTTRACE_HOME:
 * - tiny: a 30-event trace with no branches (a 1-node graph): the baseline of both figures;
 * - big: e2e/agents/many-values.mjs recorded (100,003 events) and no branches;
 * - branched: another 30-event trace with 200 branches: 195 of the trace at steps spread over its timeline, 6 of them
 *   run (3 with an edited value), and 5 branches of those that ran (branches of branches), so the graph has 201
 *   nodes in 3 columns with a mix of statuses. The rest stay 'pending' (created, never run), as after a batch create.
 * The 195 first-level branches are created in-process with the engine's createBranch (what `branch create` calls)
 * against the same home: 195 CLI processes took 47 s (2 at a time, node startup + store open each), longer than the
 * rest of the benchmark. Edits, runs and the nested branches go through the CLI.
 */
import path from 'node:path';
import { cliAsync, REPO } from '../e2e/workbenchServer.js';
import { createBranch } from '../src/engine/branches/branches.js';
import { openStore } from '../src/engine/store/store.js';

const SMALL_AGENT = path.join(REPO, 'bench/agents/ui-small.mjs');
const BIG_AGENT = path.join(REPO, 'e2e/agents/many-values.mjs');

export interface UiBenchData {
  tinyId: string;
  tinyEvents: number;
  bigId: string;
  bigEvents: number;
  branchedId: string;
  /** Runs in the branched trace's tree: the trace and its branches. */
  treeRuns: number;
  /** Wall time of the preparation steps, for the log. */
  prepMs: { record: number; branches: number };
}

interface RecordResult {
  id: string;
  steps: number;
}

async function record(home: string, script: string, name: string): Promise<RecordResult> {
  const out = await cliAsync(home, ['record', script, '--name', name, '--json']);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as RecordResult;
}

export const BRANCHES = 200;
const RUN = 6;
const EDITED = 3;
const NESTED = 5;

export async function prepareUiData(home: string): Promise<UiBenchData> {
  let t0 = performance.now();
  const [tiny, big, branched] = [await record(home, SMALL_AGENT, 'bench-tiny'), await record(home, BIG_AGENT, 'bench-100k'), await record(home, SMALL_AGENT, 'bench-branched')];
  const recordMs = performance.now() - t0;

  t0 = performance.now();
  const root = branched.id;
  const top = BRANCHES - NESTED;
  // Fork steps 1..steps-1 in turn, so the edges carry different step labels (and the layout sorts by them).
  const stepOf = (k: number): number => 1 + (k % (branched.steps - 1));
  const store = openStore({ home });
  try {
    for (let k = 0; k < top; k++) createBranch(store, { from: root, step: stepOf(k), name: `b${k}` });
  } finally {
    store.close();
  }
  // The agent's even events are its Math.random values: an edit of the first one after the fork changes its output.
  for (let k = 0; k < EDITED; k++) {
    const seq = stepOf(k) + (stepOf(k) % 2);
    await cliAsync(home, ['branch', 'edit', `${root}__b${k}`, '--event', String(seq), '--payload', JSON.stringify({ value: 0.999 })]);
  }
  await cliAsync(home, ['branch', 'run', ...Array.from({ length: RUN }, (_, k) => `${root}__b${k}`), '--offline', '--parallel', '2']).catch(() => {
    // A diverged branch exits non-zero; its status in the graph is part of the variety, not a failure of the bench.
  });
  for (let k = 0; k < NESTED; k++) {
    await cliAsync(home, ['branch', 'create', `${root}__b${k}`, '--step', String(branched.steps - 5 + k), '--name', `b${top + k}`]);
  }
  const branchesMs = performance.now() - t0;

  return {
    tinyId: tiny.id,
    tinyEvents: tiny.steps,
    bigId: big.id,
    bigEvents: big.steps,
    branchedId: root,
    treeRuns: 1 + BRANCHES,
    prepMs: { record: recordMs, branches: branchesMs },
  };
}
