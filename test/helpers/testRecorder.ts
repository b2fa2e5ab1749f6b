/** An in-process Recorder writing to a temp journal (removed by the caller's `cleanup`), for SDK unit tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Recorder } from '../../sdk/core/recorder.js';
import { SecretSet } from '../../src/shared/trace/redact.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../../src/shared/trace/types.js';

export interface TestRecorder {
  rec: Recorder;
  journal: string;
  cleanup: () => void;
}

export function testRecorder(): TestRecorder {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-src-'));
  const journal = path.join(dir, 'j.ndjson');
  const meta: RunMeta = {
    id: 't',
    scriptPath: 't',
    scriptSha256: '',
    argv: [],
    cwd: dir,
    env: {},
    nodeVersion: process.version,
    sdkVersion: 't',
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery: 10,
    startedAt: 0,
    pid: process.pid,
  };
  return { rec: new Recorder({ journalPath: journal, meta, secrets: new SecretSet() }), journal, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
