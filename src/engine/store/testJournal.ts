/** Test helpers: crafted journals and throwaway AgentTrace homes (real SQLite files in tmp folders). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JournalLine } from '../../shared/trace/journal.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../../shared/trace/types.js';

const homes: string[] = [];

export function tmpHome(prefix = 'atr-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  homes.push(dir);
  return dir;
}

/** Removes the folders created by tmpHome (call from afterAll, after closing the stores). */
export function removeTmpHomes(): void {
  for (const d of homes.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function meta(id: string, extra: Partial<RunMeta> = {}): RunMeta {
  return {
    id,
    scriptPath: '/agents/demo.mjs',
    scriptSha256: 'ab'.repeat(32),
    argv: [],
    cwd: '/agents',
    env: {},
    nodeVersion: 'v20.20.2',
    sdkVersion: '0.1.0',
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery: 10,
    startedAt: 1_700_000_000_000,
    pid: 0,
    ...extra,
  };
}

/** Journal text: one JSON line per record. */
export function journal(...lines: JournalLine[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

/** base64 of little-endian float64 values, as the SDK writes `f64` batches. */
export function f64(values: number[]): string {
  const buf = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => buf.writeDoubleLE(v, i * 8));
  return buf.toString('base64');
}
