/**
 * How long a node process takes from exec to its script's first line, the fixed cost that a recording pays twice
 * (the CLI and the agent) and a native run once. When NODE_EXTRA_CA_CERTS is set (node then loads that certificate
 * file at every start), the start is measured without it too, so the bench output says what the environment adds.
 */
import { spawnSync } from 'node:child_process';
import { median } from './valueBench.js';

export interface NodeStart {
  /** Median ms from spawn until the script's first line ran, with this environment. */
  ms: number;
  /** The same without NODE_EXTRA_CA_CERTS, when the environment sets it. */
  withoutExtraCaMs?: number;
}

const SCRIPT = 'process.stdout.write(String(performance.timeOrigin + performance.now()))';

function measure(env: NodeJS.ProcessEnv, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const r = spawnSync(process.execPath, ['-e', SCRIPT], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: node did not start (${r.stderr.trim()})`);
    times.push(Number(r.stdout) - t0);
  }
  return median(times);
}

export function benchNodeStart(runs = 9): NodeStart {
  const out: NodeStart = { ms: measure(process.env, runs) };
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    out.withoutExtraCaMs = measure(env, runs);
  }
  return out;
}
