#!/usr/bin/env node
// Regenerates the sample trace offered on first launch: node scripts/makeSample.mjs
// Records resources/sample/agent.mjs with the real CLI against the local mock LLM server (test/mock/llmServer.ts,
// no API key, no network), branches it at the summary call with an edited reply and runs the branch (so the sample
// shows a branch graph), then exports the tree to resources/sample/sample.agenttrace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = path.join(REPO, 'resources', 'sample');
const BIN = path.join(REPO, 'bin', 'agenttrace.mjs');

function run(args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`agenttrace ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

const { startMockLlm } = await tsImport('../test/mock/llmServer.ts', import.meta.url);
const mock = await startMockLlm({ chunkDelayMs: 15 });
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-sample-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AGENTTRACE_') && !k.startsWith('OPENAI_') && k !== 'NODE_OPTIONS'));
  Object.assign(env, { AGENTTRACE_HOME: home, AGENT_LLM_URL: mock.url, TZ: 'UTC' });
  const cli = (...args) => run(args, { cwd: SAMPLE, env });
  const rec = JSON.parse((await cli('record', 'agent.mjs', '--name', 'sample-trip-planner', '--json')).trim().split('\n').pop());
  const llm = JSON.parse(await cli('show', rec.id, '--kind', 'llm', '--json')).events.map((e) => e.seq);
  if (llm.length !== 2) throw new Error(`expected 2 llm calls in the sample, got ${llm.length}`);
  await cli('branch', 'create', rec.id, '--step', String(llm[1]), '--name', 'rainy-day');
  await cli('branch', 'edit', `${rec.id}__rainy-day`, '--event', String(llm[1]), '--payload', JSON.stringify({ content: 'Rain all day: the tile museum, then a long lunch in Alfama.' }));
  await cli('branch', 'run', `${rec.id}__rainy-day`);
  await cli('export', rec.id, '-o', path.join(SAMPLE, 'sample.agenttrace'), '--force');
  fs.rmSync(path.join(SAMPLE, 'trip-notes.txt'), { force: true });
  process.stdout.write(`wrote resources/sample/sample.agenttrace (trace ${rec.id}, branch ${rec.id}__rainy-day)\n`);
} finally {
  await mock.close();
  fs.rmSync(home, { recursive: true, force: true });
}
