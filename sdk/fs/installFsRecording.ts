/**
 * File capture (record mode): writes, deletions and renames made by the agent reach disk as usual and become `fs`
 * events. The recorder's own files (the journal, everything under AGENTTRACE_HOME) are never recorded; the journal
 * is written with the original functions anyway (sdk/core/originals.ts).
 */
import path from 'node:path';
import type { Recorder } from '../core/recorder.js';
import { sdkEnv, sdkHome } from '../core/sdkEnv.js';
import { Patcher } from '../determinism/patcher.js';
import { FsRecorder } from './fsRecorder.js';
import { installFsPatches } from './patchFs.js';

/** Installs the record-mode fs hooks; returns the undo function. */
export function installFsRecording(rec: Recorder): () => void {
  const env = sdkEnv();
  const home = sdkHome(env);
  const journal = env.journal ? path.resolve(env.journal) : undefined;
  // FsRecorder keeps the original stream functions: construct it before patching.
  const hooks = new FsRecorder(rec, { ownFiles: journal ? [journal] : [], ownDirs: [home] });
  const p = new Patcher();
  installFsPatches(p, hooks);
  return () => p.restore();
}
