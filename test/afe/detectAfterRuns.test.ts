/**
 * Detection after runs that are not plain recordings. Branch runs (the same hook as recordings): a branch whose edit
 * fixes the bad reply stores no failure; a branch that forks after the bad reply inherits it from its parent and
 * still names it as the suspect (detection reads the lineage's events, not only the branch's own). A run recorded
 * without a CLI (environment-variable mode) gets its class when the next command recovers its journal, and an
 * imported trace when it is imported.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../src/shared/afe/types.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { CORPUS, closedPortUrl, corpusEnv, corpusPath, type CorpusAgent } from '../agents/afe/corpus.js';
import { REPO, cliEnv, cliJson, lastJsonLine, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';

afterAll(removeHomes);
const mock = useMockLlm();
const agent = CORPUS.find((a) => a.class === 'bad_json') as CorpusAgent;
let home = '';
let env: Record<string, string> = {};
let runId = '';
let llmSeq = -1;

beforeAll(async () => {
  home = tmpHome();
  env = corpusEnv(agent, mock.url, await closedPortUrl());
  const r = await runCli(['record', agent.file, '--json'], { home, env });
  runId = lastJsonLine<{ id: string }>(r.stdout).id;
  const shown = await cliJson<{ events: TraceEvent[] }>(['show', runId, '--json', '--kind', 'llm'], { home });
  llmSeq = shown.events[0].seq;
});

async function cli(args: string[]): Promise<void> {
  const r = await runCli(args, { home, env });
  expect(r.code, `agenttrace ${args.join(' ')}: ${r.stderr}`).toBe(0);
}

async function failureOf(id: string): Promise<{ status: string; failure: Failure | null }> {
  const shown = await cliJson<{ run: { status: string }; failure: Failure | null }>(['show', id, '--json', '--kind', 'exit'], { home });
  return { status: shown.run.status, failure: shown.failure };
}

describe('detection after branch runs', () => {
  it('a branch that replaces the fenced reply by plain JSON runs clean and stores no failure', async () => {
    await cli(['branch', 'create', runId, '--step', String(llmSeq - 1), '--name', 'plain']);
    await cli(['branch', 'edit', `${runId}__plain`, '--event', String(llmSeq), '--payload', JSON.stringify({ content: '{"topic":"Pack for Oslo","items":["socks"]}' })]);
    await runCli(['branch', 'run', `${runId}__plain`], { home, env });
    expect(await failureOf(`${runId}__plain`)).toEqual({ status: 'ok', failure: null });
    expect((await failureOf(runId)).failure?.class).toBe('bad_json');
  });

  it('a branch forked after the bad reply fails again, and its suspect is the inherited reply', async () => {
    await cli(['branch', 'create', runId, '--step', String(llmSeq), '--name', 'after']);
    await runCli(['branch', 'run', `${runId}__after`], { home, env });
    const { status, failure } = await failureOf(`${runId}__after`);
    expect(status).toBe('failed');
    expect(failure?.class).toBe('bad_json');
    expect(failure?.suspects[0]).toMatchObject({ seq: llmSeq, kind: 'llm' });
    const list = await runCli(['list'], { home });
    expect(list.stdout.match(/failed \(bad_json\)/g)?.length).toBe(2);
  });
});

describe('detection of runs recovered from a journal or imported from a trace file', () => {
  it('an imported trace gets the class of its failure', async () => {
    const file = path.join(tmpHome(), 'bad-json.agenttrace');
    await cli(['export', runId, '-o', file, '--only']);
    const other = tmpHome();
    const imp = await runCli(['import', file], { home: other });
    expect(imp.code, imp.stderr).toBe(0);
    const runs = await cliJson<{ id: string; failureClass?: string }[]>(['list', '--json'], { home: other });
    expect(runs.find((r) => r.id === runId)?.failureClass).toBe('bad_json');
  });

  it('an agent recorded in environment-variable mode gets its failure class on the next list', async () => {
    const timeout = CORPUS.find((a) => a.class === 'timeout') as CorpusAgent;
    const envHome = tmpHome();
    // Asynchronous: the mock LLM server lives in this process and must keep answering.
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', path.join(REPO, 'dist/sdk/register.mjs'), corpusPath(timeout)], {
        cwd: REPO,
        env: cliEnv(envHome, { AGENTTRACE_MODE: 'record', ...corpusEnv(timeout, mock.url, 'http://127.0.0.1:9') }),
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(1);
    const runs = await cliJson<{ id: string; status: string; failureClass?: string }[]>(['list', '--json'], { home: envHome });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', failureClass: 'timeout' });
  });
});
