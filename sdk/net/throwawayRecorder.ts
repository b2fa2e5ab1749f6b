/**
 * A Recorder writing to a fresh temporary journal, for in-process tests and the network latency bench (which must
 * not touch the process-wide active recorder).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Recorder } from '../core/recorder.js';
import { SecretSet } from '../../src/shared/trace/redact.js';
import { TRACE_FORMAT_VERSION } from '../../src/shared/trace/types.js';

/** `mode`: the recorder's (a replay's writes every fingerprint itself, see NetCall). */
export function throwawayRecorder(secrets: string[] = [], mode: 'record' | 'replay' = 'record'): { rec: Recorder; journal: string } {
  const journal = path.join(mkdtempSync(path.join(tmpdir(), 'agenttrace-rec-')), 'journal.ndjson');
  const set = new SecretSet();
  for (const s of secrets) set.add(s);
  const rec = new Recorder({
    journalPath: journal,
    secrets: set,
    meta: {
      id: 'throwaway',
      scriptPath: '',
      scriptSha256: '',
      argv: [],
      cwd: process.cwd(),
      env: {},
      nodeVersion: process.version,
      sdkVersion: '0',
      formatVersion: TRACE_FORMAT_VERSION,
      mode,
      keyframeEvery: 10,
      startedAt: 0,
      pid: process.pid,
    },
  });
  return { rec, journal };
}
