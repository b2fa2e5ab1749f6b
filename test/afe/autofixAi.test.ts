/**
 * The AI path of `agenttrace fix` through the real CLI: groq-sdk against the Groq-compatible mock (GROQ_BASE_URL) with
 * the user's key given as `--api-key`. A good answer adds an `ai` candidate validated like the heuristic ones (its own
 * `<run>__fix-N` branch and a verdict); a 401 (whose body echoes the key) and a malformed answer each give one line in
 * `ai.note` while the heuristic candidates and the exit code stay those of `--no-ai`. Then every byte of the
 * AgentTrace home (database, WAL, journals, settings), an export of the run and all the CLI's output are scanned for
 * the key: it is nowhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixReport } from '../../src/shared/afe/types.js';
import { CORPUS, closedPortUrl, corpusEnv, type CorpusAgent } from '../agents/afe/corpus.js';
import { removeHomes, tmpHome, type CliResult } from '../cli/cliHarness.js';
import { useGroqMock, type GroqMockMode } from '../mock/groqMock.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { branchIds, cli, fixJson, newProject, record, removeProjects, type Ctx, type Project } from './autofixHarness.js';
import { scanTexts } from '../helpers/secretScan.js';

afterAll(() => {
  removeProjects();
  removeHomes();
});
const llm = useMockLlm();
const groq = useGroqMock();
/** The user's Groq key: it may only ever travel in the Authorization header to Groq. */
const KEY = 'gsk_CLIafeKEYneverSTORED7d3f9a1b2c4e6';
// An OpenAI agent: its own GROQ_BASE_URL is unused, so it can point at the Groq mock for the fix.
const agent = CORPUS.find((a) => a.class === 'bad_json') as CorpusAgent;

let ctx: Ctx;
let p: Project;
let runId = '';
const outputs: CliResult[] = [];
let baseline: { code: number | null; titles: string[] };

beforeAll(async () => {
  ctx = { home: tmpHome(), env: corpusEnv(agent, llm.url, await closedPortUrl()) };
  p = newProject(agent);
  const rec = await record(p, ctx);
  expect(rec.exitCode).toBe(1);
  runId = rec.id;
  const { report, r } = await fixJson(runId, p, ctx);
  baseline = { code: r.code, titles: report.candidates.map((c) => c.title).sort() };
  expect(baseline.titles.length).toBeGreaterThan(0);
});

async function aiFix(mode: GroqMockMode): Promise<{ report: FixReport; r: CliResult }> {
  groq.reset();
  groq.mode = mode;
  const out = await fixJson(runId, p, ctx, ['--api-key', KEY], { GROQ_BASE_URL: groq.url });
  outputs.push(out.r);
  // The key went to Groq, in the Authorization header and nowhere else of the request.
  const chat = groq.requests.filter((q) => q.path === '/openai/v1/chat/completions');
  expect(chat.length).toBeGreaterThan(0);
  for (const q of chat) {
    expect(q.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.stringify(q.body)).not.toContain(KEY);
  }
  return out;
}

const heuristicTitles = (r: FixReport): string[] => r.candidates.filter((c) => c.source === 'heuristic').map((c) => c.title).sort();

describe('fix with the Groq-compatible mock', () => {
  it('a good answer adds an ai candidate that is validated like the others', { timeout: 120_000 }, async () => {
    const { report, r } = await aiFix('good');
    expect(report.ai).toMatchObject({ used: true, model: 'llama-3.3-70b-versatile' });
    expect(report.rootCause?.aiExplanation).toContain('bad_json');
    const ai = report.candidates.filter((c) => c.source === 'ai');
    expect(ai.length).toBeGreaterThan(0);
    const ids = await branchIds(runId, ctx);
    for (const c of ai) {
      expect(c.title).toBe('Guard the failing call');
      expect(c.verdict).not.toBe('pending');
      expect(c.verdictDetail).not.toBe('not validated yet');
      expect(c.branchId).toBe(`${runId}__fix-${c.n}`);
      expect(ids).toContain(c.branchId);
      expect(c.files[0].after).toContain('// agenttrace-mock: guard for bad_json');
    }
    expect(heuristicTitles(report)).toEqual(baseline.titles);
    expect(r.code).toBe(baseline.code);
  });

  for (const [mode, note] of [
    ['unauthorized', /401|API key/i],
    ['malformed', /JSON/],
  ] as const) {
    it(`a ${mode} answer gives one line in ai.note and the heuristic candidates`, { timeout: 120_000 }, async () => {
      const { report, r } = await aiFix(mode);
      expect(report.ai.used).toBe(false);
      expect(report.ai.note).toMatch(note);
      expect(report.ai.note).not.toContain('\n');
      expect(report.candidates.filter((c) => c.source === 'ai')).toEqual([]);
      expect(heuristicTitles(report)).toEqual(baseline.titles);
      expect(report.candidates.every((c) => c.verdict !== 'pending')).toBe(true);
      expect(r.code).toBe(baseline.code);
    });
  }

  it('the key is in no byte of the home, of an export of the run or of the CLI output', { timeout: 120_000 }, async () => {
    const { report } = await aiFix('good');
    outputs.push(await cli(['fix', 'show', report.id], ctx, p.dir));
    const file = path.join(tmpHome(), 'run.agenttrace');
    // The whole tree: the run, its fix reports and its proof and validation branches (the fix branches fork before
    // step 0, forkSeq -1, which trace files carry since format 2).
    const exp = await cli(['export', runId, '-o', file, '--json'], ctx);
    expect(exp.code, exp.stderr).toBe(0);
    outputs.push(exp);
    // The file carries the fix reports, those made with the AI path too.
    const { runs } = JSON.parse(exp.stdout) as { runs: { id: string; fixes: number }[] };
    expect(runs[0].id).toBe(runId);
    expect(runs.map((x) => x.id)).toContain(`${runId}__fix-1`);
    expect(runs[0].fixes).toBeGreaterThanOrEqual(2);

    const needles = [KEY, KEY.slice(4)];
    const scanned: string[] = [];
    const scan = (f: string): void => {
      const texts = scanTexts(f);
      scanned.push(path.basename(f));
      for (const n of needles) expect(texts.some((t) => t.includes(n)), `${n} in ${f}`).toBe(false);
    };
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : scan)(path.join(d, e.name));
    };
    walk(ctx.home);
    walk(p.dir);
    scan(file);
    expect(scanned).toContain('traces.db');
    expect(outputs.length).toBeGreaterThanOrEqual(3);
    for (const o of outputs) for (const n of needles) expect(o.stdout + o.stderr).not.toContain(n);
  });
});
