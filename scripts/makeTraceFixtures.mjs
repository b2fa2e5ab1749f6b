#!/usr/bin/env node
// Regenerates the golden trace-file fixtures in test/fixtures/traceFiles/ from a real recording:
//   node scripts/makeTraceFixtures.mjs
// It records test/fixtures/traceFiles/agents/chain.mjs (three LLM calls against the mock LLM server, one streamed)
// from a throwaway copy — so the recorded script path does not exist afterwards, like a file from another machine —
// then branches it at the second call with an edited reply and runs the branch, resumes it live after the first
// call, and exports:
//   chain.v1.agenttrace               the whole tree (root + both branches)
//   chain-edited-only.v1.agenttrace   `export <edited branch> --only`: the branch plus its root up to the fork
//   chain.v1.expected.json            what each run looked like in the recording store (run metadata, a digest per
//                                     event, the stdout), which test/traceFiles/fixtures.test.ts compares against
// Released fixtures are frozen: when the format moves to v2, add v2 fixtures next to these instead of remaking them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(REPO, 'test', 'fixtures', 'traceFiles');
const BIN = path.join(REPO, 'bin', 'agenttrace.mjs');

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

const { startMockLlm } = await tsImport('../test/mock/llmServer.ts', import.meta.url);
await run(process.execPath, [path.join(REPO, 'scripts', 'buildCli.mjs')], { cwd: REPO });
const mock = await startMockLlm();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-fixtures-'));
// Inside the repo, so the copy resolves `openai` and `agenttrace/sdk` like the committed agent does.
const gen = fs.mkdtempSync(path.join(OUT, '.gen-'));
try {
  fs.copyFileSync(path.join(OUT, 'agents', 'chain.mjs'), path.join(gen, 'chain.mjs'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AGENTTRACE_') && k !== 'NODE_OPTIONS'));
  Object.assign(env, { AGENTTRACE_HOME: home, AGENT_LLM_URL: mock.url, TZ: 'UTC' });
  const cli = (...args) => run(process.execPath, [BIN, ...args], { cwd: gen, env });
  const json = async (...args) => JSON.parse(await cli(...args, '--json'));

  const rec = JSON.parse((await cli('record', 'chain.mjs', '--name', 'chain', '--json')).trim().split('\n').pop());
  const id = rec.id;
  const llm = (await json('show', id, '--kind', 'llm')).events.map((e) => e.seq);
  if (llm.length !== 3) throw new Error(`expected 3 llm calls, got ${llm.length}`);
  const edited = `${id}__edited`;
  await cli('branch', 'create', id, '--step', String(llm[1]), '--name', 'edited');
  await cli('branch', 'edit', edited, '--event', String(llm[1]), '--payload', JSON.stringify({ content: 'EDITED reply' }));
  await cli('branch', 'run', edited);
  await cli('replay', id, '--step', String(llm[0]));

  const files = {
    'chain.v1.agenttrace': ['export', id],
    'chain-edited-only.v1.agenttrace': ['export', edited, '--only'],
  };
  const manifest = {};
  for (const [name, args] of Object.entries(files)) {
    const r = await json(...args, '-o', path.join(OUT, name), '--force');
    manifest[name] = { focus: r.focus, root: r.root, runs: Object.fromEntries(r.runs.map((x) => [x.id, x.partialUpTo === undefined ? {} : { partialUpTo: x.partialUpTo }])) };
  }
  const runs = {};
  for (const r of await json('list')) {
    const shown = await json('show', r.id);
    // Not part of a run's content: the recording host's pid, and costs derived from the current price table.
    for (const k of ['hostPid', 'costUsd', 'unpricedCalls']) delete shown.run[k];
    runs[r.id] = {
      run: shown.run,
      events: shown.events.map((e) => [e.seq, e.kind, createHash('sha256').update(JSON.stringify(e)).digest('hex').slice(0, 16)]),
      stdoutEvents: shown.events.filter((e) => e.kind === 'console' && e.payload.stream === 'stdout').map((e) => [e.seq, e.payload.text]),
    };
  }
  // What a replay of each run prints: a branch's lineage output (its ancestors' up to the fork, then its own).
  const consoleOf = (runId, upTo = Infinity) => {
    const r = runs[runId];
    const own = r.stdoutEvents.filter(([seq]) => seq <= upTo);
    if (r.run.parentId === undefined) return own;
    return [...consoleOf(r.run.parentId, Math.min(upTo, r.run.forkSeq)), ...own.filter(([seq]) => seq > r.run.forkSeq)];
  };
  for (const runId of Object.keys(runs)) runs[runId].replayStdout = consoleOf(runId).map(([, text]) => text).join('');
  for (const r of Object.values(runs)) delete r.stdoutEvents;
  const expected = { generatedBy: 'scripts/makeTraceFixtures.mjs', agent: 'agents/chain.mjs', root: id, files: manifest, runs };
  fs.writeFileSync(path.join(OUT, 'chain.v1.expected.json'), JSON.stringify(expected, null, 1) + '\n');
  for (const name of Object.keys(files)) console.log(`${name}: ${fs.statSync(path.join(OUT, name)).size} bytes`);
} finally {
  await mock.close();
  fs.rmSync(gen, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
}
