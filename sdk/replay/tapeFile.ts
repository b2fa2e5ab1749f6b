/**
 * Getting the tape: from AGENTTRACE_TAPE (the host wrote it), or in environment-variable mode by running
 * `agenttrace tape <id> ... --out FILE` synchronously before anything is patched. Errors are ReplaySetupError with
 * one line of text (what, where, what to do); the bootstrap prints it and ends the process (fail closed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tape } from '../../src/shared/trace/tape.js';
import { TAPE_FORMAT_VERSION } from '../../src/shared/trace/tape.js';
import { ATR } from '../../src/shared/errors.js';
import { ENV, ENV_PREFIX } from '../../src/shared/trace/envProtocol.js';
import { readHandover } from '../core/handover.js';
import { orig } from '../core/originals.js';

export class ReplaySetupError extends Error {
  readonly code = ATR.REPLAY_SETUP;
}

/** Reads and checks a tape file. */
export function readTapeFile(file: string): Tape {
  let text: string;
  try {
    text = readHandover(file);
  } catch (e) {
    throw new ReplaySetupError(`cannot read the replay tape ${file} (${errText(e)}); AGENTTRACE_TAPE must name a tape written by \`agenttrace tape\``);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReplaySetupError(`the replay tape ${file} is not valid JSON (${errText(e)}); write it again with \`agenttrace tape\``);
  }
  return checkTape(raw, file);
}

/** Validates the shape the SDK relies on. A tape from another format version fails with a clear line. */
export function checkTape(raw: unknown, where: string): Tape {
  if (!raw || typeof raw !== 'object') throw new ReplaySetupError(`the replay tape ${where} is not a tape object`);
  const t = raw as Partial<Tape>;
  if (t.formatVersion !== TAPE_FORMAT_VERSION) {
    throw new ReplaySetupError(
      `the replay tape ${where} has format version ${String(t.formatVersion)} but this SDK reads version ${TAPE_FORMAT_VERSION}; use the same agenttrace version for the host and the agent`,
    );
  }
  const bad = (field: string): never => {
    throw new ReplaySetupError(`the replay tape ${where} is malformed: ${field}`);
  };
  if (typeof t.runId !== 'string') bad('runId is missing');
  if (typeof t.steps !== 'number') bad('steps is missing');
  if (!Array.isArray(t.signature)) bad('signature is missing');
  if (!Array.isArray(t.calls)) bad('calls is missing');
  if (!t.values || typeof t.values !== 'object') bad('values is missing');
  if (typeof t.stdout !== 'string') bad('stdout is missing');
  if (t.after !== 'live' && t.after !== 'stop') bad('after must be live or stop');
  if (t.onDivergence !== 'live' && t.onDivergence !== 'stop' && t.onDivergence !== 'fallback') bad('onDivergence must be stop, live or fallback');
  if (t.untilSeq !== undefined && (typeof t.untilSeq !== 'number' || t.untilSeq < 0)) bad('untilSeq must be a step number');
  for (const [source, values] of Object.entries(t.values as object)) if (!Array.isArray(values)) bad(`values of ${source} must be a list`);
  if (t.pace !== 'recorded') t.pace = 'instant';
  if (t.patchedFiles !== undefined) {
    if (!t.patchedFiles || typeof t.patchedFiles !== 'object' || Array.isArray(t.patchedFiles)) bad('patchedFiles must map paths to texts');
    for (const [file, text] of Object.entries(t.patchedFiles as object)) {
      if (!path.isAbsolute(file)) bad(`patchedFiles path ${JSON.stringify(file)} is not absolute`);
      if (typeof text !== 'string') bad(`patchedFiles text of ${file} is not a string`);
    }
  }
  if (t.pool !== undefined && !Array.isArray(t.pool)) bad('pool must be a list of calls');
  if (t.synth !== undefined && (!t.synth || typeof t.synth !== 'object' || (t.synth.content !== undefined && typeof t.synth.content !== 'string'))) bad('synth must be { content?: string }');
  return t as Tape;
}

/** Environment-variable mode settings (AGENTTRACE_ID, AGENTTRACE_STEP, ...). */
export interface EnvTapeRequest {
  id: string;
  step?: string;
  branch?: string;
  offline?: boolean;
  onDivergence?: string;
  pace?: string;
  home?: string;
}

/** Runs `agenttrace tape` for the request and returns the tape (its temp file is removed). */
export function fetchTapeViaCli(req: EnvTapeRequest): Tape {
  const cli = findCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-tape-'));
  const out = path.join(dir, 'tape.json');
  const args = [cli, 'tape', req.id, '--out', out];
  if (req.step !== undefined && req.step !== '') args.push('--step', req.step);
  if (req.branch) args.push('--branch', req.branch);
  if (req.offline) args.push('--offline');
  if (req.onDivergence) args.push('--on-divergence', req.onDivergence);
  if (req.pace) args.push('--pace', req.pace);
  // The CLI must not replay itself: NODE_OPTIONS may preload this register too.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && (!k.startsWith(ENV_PREFIX) || k === ENV.home)) env[k] = v;
  if (req.home) env[ENV.home] = req.home;
  try {
    const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000, encoding: 'utf8' });
    const stderr = (r.stderr ?? '').trim();
    if (r.error || r.status !== 0) {
      const last = stderr.split('\n').filter((l) => l.trim() !== '').pop();
      const why = last ? last.replace(/^agenttrace:\s*/, '') : r.error ? r.error.message : `exit code ${String(r.status ?? r.signal)}`;
      throw new ReplaySetupError(`cannot get the tape of run ${req.id}: ${why}`);
    }
    // The CLI's own notices (a replaced resume branch...) are the user's business; its progress line is not.
    for (const line of stderr.split('\n')) if (line.startsWith('agenttrace:')) orig.stderrWrite(line + '\n');
    return readTapeFile(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** bin/agenttrace.mjs of the package this SDK belongs to (dist/sdk/register.mjs or sdk/replay/*.ts). */
function findCli(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const bin = path.join(dir, 'bin', 'agenttrace.mjs');
    if (orig.existsSync(bin)) return bin;
    dir = path.dirname(dir);
  }
  throw new ReplaySetupError('cannot find the agenttrace CLI (bin/agenttrace.mjs) next to the SDK; reinstall agenttrace');
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
