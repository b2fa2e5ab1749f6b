/**
 * Divergence and fail-closed start, in real child processes. A script edited after recording diverges at the first
 * step that differs (policy stop: the process ends with EXIT_DIVERGED; policy live: it goes on with live values);
 * a script that draws more values than recorded exhausts the tape; a replay without a usable tape never runs the
 * agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_DIVERGED, EXIT_REPLAY_SETUP, TAPE_FORMAT_VERSION } from '../../src/shared/trace/tape.js';
import { cleanupTempDirs, tempDir } from '../determinism/spawnAgent.js';
import { record, replay, replayWithEnv, tapeOfJournal, valuesOf } from '../../test/helpers/replayHarness.js';
import { closedLoopbackPort } from '../../test/helpers/replayNetHarness.js';

afterAll(() => cleanupTempDirs());

const ORIGINAL = `const a = Math.random();
console.log('a', a);
const b = Math.random();
console.log('b', b);
console.log('t', Date.now());
`;

/** Writes the agent, records it, then replaces its source with `edited`. */
async function recordThenEdit(edited: string): Promise<{ script: string; journal: string; stdout: string }> {
  const script = path.join(tempDir('agenttrace-edit-'), 'agent.mjs');
  fs.writeFileSync(script, ORIGINAL);
  const rec = await record(script);
  expect(rec.code).toBe(0);
  fs.writeFileSync(script, edited);
  return { script, journal: rec.journal, stdout: rec.stdout.toString('utf8') };
}

describe('divergence', () => {
  it('an edited script stops at the first differing step (policy stop)', async () => {
    const { script, journal } = await recordThenEdit(ORIGINAL.replace("console.log('a', a);", "console.log('a', a);\nconsole.log('extra');"));
    const tape = tapeOfJournal(journal);
    const rep = await replay(script, tape);
    expect(rep.code).toBe(EXIT_DIVERGED);
    // seq 0 Math.random, 1 console 'a', 2 is the recorded Math.random where the edit prints instead.
    expect(rep.divergence).toMatchObject({ seq: 2, kind: 'console', reason: 'event-mismatch', policy: 'stop', expected: { signature: 'random' }, actual: { signature: 'console' } });
    expect(rep.stdout).toMatch(/^a 0\.\d+\nextra\n$/);
    expect(rep.verdict).toMatchObject({ identical: false, matched: 2, divergence: { seq: 2 } });
    expect(rep.end?.status).toBe('diverged');
  });

  it('names the error when the replayed agent throws where the recording went on (an environment that differs)', async () => {
    const script = path.join(tempDir('agenttrace-env-'), 'agent.mjs');
    fs.writeFileSync(script, "const url = new URL(`${process.env.SERVICE_URL}/v1`);\nconsole.log(url.host, Math.random());\n");
    const rec = await record(script, { env: { SERVICE_URL: 'http://127.0.0.1:9' } });
    expect(rec.code).toBe(0);
    const rep = await replay(script, tapeOfJournal(rec.journal));
    expect(rep.code).toBe(EXIT_DIVERGED);
    expect(rep.divergence).toMatchObject({ seq: 0, kind: 'error', expected: { signature: 'random' }, actual: { signature: 'error' } });
    expect(rep.divergence?.message).toBe(
      "at step 0 the agent threw TypeError: Invalid URL in the replay, where the recording had a random event (at its first step: does your environment differ from the recording's?)",
    );
  });

  it('names the request of a recorded call the replay did not make at its step', async () => {
    const port = await closedLoopbackPort();
    const script = path.join(tempDir('agenttrace-call-'), 'agent.mjs');
    const call = `const r = await fetch('http://127.0.0.1:${port}/items?page=2').then(() => 'ok', (e) => e.cause?.code);\nconsole.log(r);\n`;
    fs.writeFileSync(script, call);
    const rec = await record(script);
    expect(rec.stdout.toString()).toBe('ECONNREFUSED\n');
    fs.writeFileSync(script, `console.log('first');\n${call}`);
    const rep = await replay(script, tapeOfJournal(rec.journal));
    expect(rep.code).toBe(EXIT_DIVERGED);
    expect(rep.divergence?.message).toMatch(new RegExp(`^step 0 is a console event in the replay but a http call \\(GET http://127\\.0\\.0\\.1:${port}/items\\?page=2\\) with fingerprint [0-9a-f]{12}… in the recording$`));
  });

  it('goes live at the divergence under policy live and finishes', async () => {
    const { script, journal, stdout } = await recordThenEdit(ORIGINAL.replace("console.log('a', a);", "console.log('a', a);\nconsole.log('extra');"));
    const rep = await replay(script, tapeOfJournal(journal, { onDivergence: 'live' }));
    expect(rep.code).toBe(0);
    expect(rep.divergence).toMatchObject({ seq: 2, policy: 'live' });
    const lines = rep.stdout.split('\n');
    expect(lines[0]).toBe(stdout.split('\n')[0]);
    expect(lines[1]).toBe('extra');
    // b is live now: not the recorded value.
    expect(lines[2]).not.toBe(stdout.split('\n')[1]);
    expect(rep.verdict).toMatchObject({ identical: false, stdoutIdentical: false });
  });

  it('reports an exhausted tape when the script draws more values than recorded', async () => {
    const { script, journal } = await recordThenEdit(ORIGINAL + 'Math.random();\n');
    const tape = tapeOfJournal(journal);
    const rep = await replay(script, tape);
    expect(rep.code).toBe(EXIT_DIVERGED);
    expect(rep.divergence).toMatchObject({ seq: tape.steps - 1, kind: 'random', reason: 'tape-exhausted', expected: { signature: 'exit' } });
    // The two recorded values were served; the third is live.
    expect(valuesOf(rep.events, 'Math.random').slice(0, 2)).toEqual(tape.values['Math.random'].map((v) => v.value));
  });

  it('a value drawn at another step than recorded is a mismatch', async () => {
    const { script, journal } = await recordThenEdit(ORIGINAL.replace("const b = Math.random();\nconsole.log('b', b);", "console.log('b', 0);\nconst b = Math.random();"));
    const rep = await replay(script, tapeOfJournal(journal));
    expect(rep.code).toBe(EXIT_DIVERGED);
    expect(rep.divergence).toMatchObject({ seq: 2, kind: 'console', reason: 'event-mismatch' });
  });
});

describe('fail closed', () => {
  it('does not run the agent without a tape', async () => {
    const script = path.join(tempDir('agenttrace-notape-'), 'agent.mjs');
    fs.writeFileSync(script, "console.log('ran');\n");
    const rep = await replayWithEnv(script, {});
    expect(rep.code).toBe(EXIT_REPLAY_SETUP);
    expect(rep.stdout).toBe('');
    expect(rep.stderr).toBe('agenttrace: cannot replay: AGENTTRACE_MODE=replay needs AGENTTRACE_ID=<run id> (or AGENTTRACE_TAPE=<tape file> from a host)\n');
  });

  it('rejects a tape of another format version with one clear line', async () => {
    const dir = tempDir('agenttrace-badtape-');
    const script = path.join(dir, 'agent.mjs');
    fs.writeFileSync(script, "console.log('ran');\n");
    const tapeFile = path.join(dir, 'tape.json');
    fs.writeFileSync(tapeFile, JSON.stringify({ formatVersion: TAPE_FORMAT_VERSION + 1 }));
    const rep = await replayWithEnv(script, { AGENTTRACE_MODE: 'REPLAY', AGENTTRACE_TAPE: tapeFile, AGENTTRACE_JOURNAL: path.join(dir, 'j.ndjson') });
    expect(rep.code).toBe(EXIT_REPLAY_SETUP);
    expect(rep.stdout).toBe('');
    expect(rep.stderr).toBe(
      `agenttrace: cannot replay: the replay tape ${tapeFile} has format version ${TAPE_FORMAT_VERSION + 1} but this SDK reads version ${TAPE_FORMAT_VERSION}; use the same agenttrace version for the host and the agent\n`,
    );
  });
});
