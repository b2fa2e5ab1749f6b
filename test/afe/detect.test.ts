/**
 * Failure detection through the real binary: every corpus agent is recorded by `agenttrace record` (real openai /
 * groq-sdk clients against the mock LLM server), detection runs at the end of the recording, and `show --json`
 * must carry the right class, the decisive suspect (kind and position), and the user frame (file + line) in the
 * evidence. `list` and `show` print the class. The corpus's fixes are checked too: each patched agent, recorded
 * fresh against the same mock, exits 0 where the table says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../src/shared/afe/types.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { CORPUS, closedPortUrl, corpusEnv, corpusPath, type CorpusAgent } from '../agents/afe/corpus.js';
import { REPO, cliJson, lastJsonLine, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';

afterAll(removeHomes);
const mock = useMockLlm();
let closedUrl = '';
let home = '';
beforeAll(async () => {
  closedUrl = await closedPortUrl();
  home = tmpHome();
});

interface Shown {
  run: { id: string; status: string };
  failure: Failure | null;
  events: TraceEvent[];
}

const recorded = new Map<string, { id: string; code: number | null; shown: Shown }>();

async function record(agent: CorpusAgent, file = agent.file, into = home): Promise<{ id: string; code: number | null; stderr: string }> {
  const r = await runCli(['record', file, '--json'], { home: into, env: corpusEnv(agent, mock.url, closedUrl) });
  const { id } = lastJsonLine<{ id: string }>(r.stdout);
  return { id, code: r.code, stderr: r.stderr };
}

function lineOf(file: string, marker: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`${marker} not in ${file}`);
  return i + 1;
}

describe('detection of every corpus agent, recorded through the CLI', () => {
  it('the corpus covers every class but unknown, with at least three groq-sdk agents', () => {
    const classes = new Set(CORPUS.map((a) => a.class));
    for (const c of ['rate_limit', 'quota', 'auth', 'model_not_found', 'server_error', 'timeout', 'network', 'context_overflow', 'bad_json', 'schema_mismatch', 'missing_context', 'tool_error', 'loop', 'code_bug'] as const) {
      expect(classes.has(c), c).toBe(true);
    }
    expect(CORPUS.filter((a) => a.client === 'groq-sdk').length).toBeGreaterThanOrEqual(3);
    for (const a of CORPUS) expect(fs.readFileSync(corpusPath(a), 'utf8')).toContain(a.client === 'groq-sdk' ? "from 'groq-sdk'" : "from 'openai'");
  });

  it.each(CORPUS.map((a) => [a.class, a] as const))('%s', async (_cls, agent) => {
    const r = await record(agent);
    expect(r.code).not.toBe(0);
    const shown = await cliJson<Shown>(['show', r.id, '--json'], { home });
    recorded.set(agent.file, { id: r.id, code: r.code, shown });
    const f = shown.failure;
    expect(f, `no failure stored for ${agent.file}`).not.toBeNull();
    if (!f) return;
    expect(f.class).toBe(agent.class);
    expect(f.summary.length).toBeGreaterThan(20);
    expect(f.evidence.length).toBeGreaterThanOrEqual(2);

    // The decisive suspect: the nth event of its kind.
    if (agent.decisive) {
      const top = f.suspects[0];
      expect(top, 'no suspect').toBeDefined();
      expect(top.kind).toBe(agent.decisive.kind);
      const ofKind = shown.events.filter((e) => e.kind === agent.decisive?.kind).map((e) => e.seq);
      expect(ofKind.indexOf(top.seq) + 1, `suspect ${top.seq} among ${agent.decisive.kind} events ${ofKind.join(',')}`).toBe(agent.decisive.nth);
    } else {
      expect(f.suspects).toEqual([]);
    }

    // The user frame, named in the evidence with its source line.
    if (agent.frameMarker) {
      const file = corpusPath(agent);
      const line = lineOf(file, agent.frameMarker);
      expect(f.userFrame).toMatchObject({ file, line });
      expect(f.userFrame?.sourceLine).toContain(agent.frameMarker.trim().slice(0, 20));
      const frameStep = f.evidence.find((e) => e.kind === 'frame');
      expect(frameStep?.frame).toMatchObject({ file, line });
      expect(frameStep?.label).toContain(`${path.basename(file)}:${line}`);
    }

    // Every evidence step that names an event names one of this run's events.
    const seqs = new Set(shown.events.map((e) => e.seq));
    for (const e of f.evidence) if (e.seq !== undefined) expect(seqs.has(e.seq), `evidence seq ${e.seq}`).toBe(true);
  });

  it('provider classes carry the status and the provider code from the recorded body', () => {
    const byClass = (c: string): Failure => {
      const a = CORPUS.find((x) => x.class === c) as CorpusAgent;
      return recorded.get(a.file)?.shown.failure as Failure;
    };
    expect(byClass('rate_limit')).toMatchObject({ status: 429, providerCode: 'rate_limit_exceeded' });
    expect(byClass('quota')).toMatchObject({ status: 429, providerCode: 'insufficient_quota' });
    expect(byClass('auth')).toMatchObject({ status: 401, providerCode: 'invalid_api_key' });
    expect(byClass('model_not_found')).toMatchObject({ status: 400, providerCode: 'model_decommissioned' });
    expect(byClass('context_overflow')).toMatchObject({ status: 400, providerCode: 'context_length_exceeded' });
    expect(byClass('server_error')).toMatchObject({ status: 503 });
    expect(byClass('network')).toMatchObject({ providerCode: 'ECONNREFUSED' });
    // The quota agent caught the error and exited 1 itself: the evidence starts from the exit and its stderr.
    expect(byClass('quota').evidence[0]).toMatchObject({ kind: 'exit', label: expect.stringMatching(/exit code 1/), detail: expect.stringContaining('classification failed') });
  });

  it('list shows the class of failed runs and show prints the failure block', async () => {
    const agent = CORPUS.find((a) => a.class === 'missing_context') as CorpusAgent;
    const id = recorded.get(agent.file)?.id as string;
    const list = await runCli(['list'], { home });
    expect(list.code).toBe(0);
    for (const a of CORPUS) expect(list.stdout).toContain(`failed (${a.class})`);
    const listed = await cliJson<{ id: string; failureClass?: string }[]>(['list', '--json'], { home });
    expect(listed.find((r) => r.id === id)?.failureClass).toBe('missing_context');
    const show = await runCli(['show', id], { home });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Status\s+failed \(missing_context\)/m);
    expect(show.stdout).toMatch(/^Failure\s+missing_context: Missing context: weather\.current is undefined/m);
    expect(show.stdout).toMatch(/^Decisive\s+step \d+ \(http, suspected\)/m);
    expect(show.stdout).toMatch(/frame\s+at <top level> \(test\/agents\/afe\/missing-context\.mjs:\d+\)/);
    expect(show.stdout).toContain('> const temp = weather.current.temp_c;');
  });

  it('a clean run stores no failure and lists as ok', async () => {
    const r = await runCli(['record', 'test/agents/cli-llm.mjs', '--json'], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: 'sk-test-clean-000000' } });
    expect(r.code).toBe(0);
    const { id } = lastJsonLine<{ id: string }>(r.stdout);
    const shown = await cliJson<Shown>(['show', id, '--json'], { home });
    expect(shown.failure).toBeNull();
    const listed = await cliJson<{ id: string; status: string; failureClass?: string }[]>(['list', '--json'], { home });
    expect(listed.find((x) => x.id === id)).toMatchObject({ status: 'ok' });
    expect(listed.find((x) => x.id === id)?.failureClass).toBeUndefined();
  });
});

describe('the corpus fixes, recorded fresh against the same mock', () => {
  it.each(CORPUS.filter((a) => a.fixPatch).map((a) => [a.class, a] as const))('%s', async (_cls, agent) => {
    const src = fs.readFileSync(corpusPath(agent), 'utf8');
    const patch = agent.fixPatch as NonNullable<CorpusAgent['fixPatch']>;
    expect(src.split(patch.find)).toHaveLength(2);
    // Beside the original, so its imports (openai, groq-sdk, agenttrace/sdk) resolve the same way.
    const fixed = path.join(path.dirname(corpusPath(agent)), `.fixed-${process.pid}-${path.basename(agent.file)}`);
    fs.writeFileSync(fixed, src.replace(patch.find, patch.replace));
    try {
      const fresh = tmpHome();
      const r = await record(agent, path.relative(REPO, fixed), fresh);
      expect(r.code === 0, `${agent.file} after its fix exited ${r.code}: ${r.stderr}`).toBe(agent.freshPassesAfterFix);
      const shown = await cliJson<Shown>(['show', r.id, '--json'], { home: fresh });
      if (agent.freshPassesAfterFix) expect(shown.failure).toBeNull();
    } finally {
      fs.rmSync(fixed, { force: true });
    }
  });
});
