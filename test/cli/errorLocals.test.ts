/**
 * Locals at the error, through the real CLI: `agenttrace record` of agents that fail in different ways, then the
 * stored error event. The locals must be those of the failing pass (never another iteration's), and a frame whose
 * locals were not read at the failure has none (the viewer says "not captured"). An error raised without a throw
 * statement gets its locals from an offline replay to the error, only when that replay is the recording.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorPayload, FrameLocals, TraceEvent } from '../../src/shared/trace/types.js';
import { openStore } from '../../src/engine/store/store.js';
import { createWorkbenchApi } from '../../src/engine/api/workbenchApi.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { REPO, cliJson, lastJsonLine, removeHomes, runCli, tmpHome } from './cliHarness.js';

const mock = useMockLlm();
const scratch: string[] = [];
afterAll(() => {
  removeHomes();
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

const AGENT = 'test/agents/err-locals.mjs';
const agentSource = fs.readFileSync(path.join(REPO, AGENT), 'utf8');
const lineOf = (marker: string, text = agentSource): number => text.split('\n').findIndex((l) => l.includes(marker)) + 1;

async function recordError(home: string, script: string, args: string[], env: Record<string, string> = {}): Promise<{ id: string; error: ErrorPayload; stderr: string }> {
  const rec = await runCli(['record', script, '--json', '--', ...args], { home, env: { MOCK_LLM_URL: mock.url, ...env } });
  expect(rec.code, rec.stderr).toBe(1);
  const { id } = lastJsonLine<{ id: string }>(rec.stdout);
  const { events } = await cliJson<{ events: TraceEvent<'error'>[] }>(['show', id, '--kind', 'error', '--json'], { home });
  expect(events).toHaveLength(1);
  return { id, error: events[0].payload, stderr: rec.stderr };
}

const frame = (e: ErrorPayload, fn: string): FrameLocals | undefined => e.frames?.find((f) => f.functionName === fn);

describe('locals at the error', () => {
  it('a loop failing on its 10th pass after LLM calls: the locals of pass 10, not of an earlier one', async () => {
    const home = tmpHome();
    const { error } = await recordError(home, AGENT, ['loop']);
    expect(error).toMatchObject({ name: 'Error', message: 'no population for Atlantis' });
    // The same throw site threw (caught) on passes 0, 3, 6 and 9 before: the uncaught pass is the one shown.
    expect(error.frames![0]).toMatchObject({ functionName: 'populationOf', line: lineOf('throw new Error(`no population'), locals: { city: 'Atlantis' } });
    expect(frame(error, 'loop')!.locals).toMatchObject({ i: 9, city: 'Atlantis', text: 'echo: Describe Atlantis' });
    expect((frame(error, 'loop')!.locals.notes as string[]).at(-1)).toBe('retry Atlantis');
  }, 120_000);

  it('an await chain: the throwing async frame has its locals, suspended callers have none', async () => {
    const { error } = await recordError(tmpHome(), AGENT, ['async']);
    expect(error.origin).toBe('unhandledRejection');
    expect(error.frames).toEqual([expect.objectContaining({ functionName: 'inner', locals: { order: { id: 'o-42', items: ['a', 'b', 'c'] }, limit: 2 } })]);
    expect(error.stack).toMatch(/at async middle/);
  }, 60_000);

  it.each([
    ['map', 'negative price at 2', { price: -1, idx: 2, doubled: -2 }, 'mapCallback', { prices: [3, 5, -1, 7] }],
    ['timeout', 'batch b-7 short by 1', { remaining: -1, batch: { id: 'b-7', size: 4 } }, undefined, undefined],
    ['then', 'got 2 of 3', { reply: { status: 'partial', items: 2 }, expected: 3 }, undefined, undefined],
  ])('an error thrown inside a callback (%s)', async (mode, message, locals, callerFn, callerLocals) => {
    const { error } = await recordError(tmpHome(), AGENT, [mode]);
    expect(error.message).toBe(message);
    expect(error.frames![0].locals).toEqual(locals);
    if (callerFn) expect(frame(error, callerFn)!.locals).toEqual(callerLocals);
  }, 60_000);

  it('a caught error rethrown: the locals at the rethrow, tied to it by the thrown object', async () => {
    const { error } = await recordError(tmpHome(), AGENT, ['rethrow']);
    expect(error.name).toBe('SyntaxError');
    expect(error.frames![0]).toMatchObject({ functionName: 'rethrow', line: lineOf('throw err;'), locals: { attempt: 3, context: 'attempt 3' } });
  }, 60_000);

  it('a TypeError on a missing field (no throw statement): the locals of that frame, read by an offline replay to the error', async () => {
    const { error, stderr } = await recordError(tmpHome(), AGENT, ['missing']);
    expect(error).toMatchObject({ name: 'TypeError', message: "Cannot read properties of undefined (reading 'name')", framesBy: 'replay' });
    expect(error.stack).toContain('at readName (');
    expect(error.frames![0]).toMatchObject({ functionName: 'readName', line: lineOf('${user.profile.name}'), locals: { user: { id: 2 }, greeting: 'Hello' } });
    // The agent's stderr is Node's own: the replay's is never shown.
    expect(stderr.match(/TypeError: Cannot read properties/g)).toHaveLength(1);
  }, 60_000);

  it('a TypeError on an LLM reply field in pass 5 of 6: that pass\'s locals (the replay is answered from the recording)', async () => {
    const home = tmpHome();
    const { id, error } = await recordError(home, AGENT, ['reply-field']);
    expect(error).toMatchObject({ name: 'TypeError', framesBy: 'replay' });
    expect(error.frames![0].locals).toMatchObject({ i: 4, text: 'echo: Describe Paris', parsed: { words: ['echo:', 'Describe', 'Paris'] } });
    // The state at the error step has the same frames.
    const { events } = await cliJson<{ events: TraceEvent<'error'>[] }>(['show', id, '--kind', 'error', '--json'], { home });
    const store = openStore({ home, env: {} });
    try {
      expect(store.stateAt(id, events[0].seq).frames[0].locals).toMatchObject({ i: 4 });
    } finally {
      store.close();
    }
  }, 60_000);

  it('a replay that is not the recording up to the error adds nothing, and says why', async () => {
    fs.mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO, '.tmp', 'err-flag-'));
    scratch.push(dir);
    const flag = path.join(dir, 'flag');
    fs.writeFileSync(flag, 'x');
    const { error, stderr } = await recordError(tmpHome(), AGENT, ['disk-flag', flag]);
    expect(error.name).toBe('TypeError');
    expect(error.frames).toBeUndefined();
    expect(error.framesBy).toBeUndefined();
    // The recorded unlink is not replayed (the file is gone): the replay diverges there.
    expect(stderr).toMatch(/agenttrace: locals at the error not captured: the replay diverged at step \d+/);
  }, 60_000);

  it('a loop of LLM calls answered at once, then a throw: the debugger was turned off (its cost), the replay reads them', async () => {
    const { error } = await recordError(tmpHome(), 'test/agents/llm-loop-then-throw.mjs', ['90']);
    expect(error).toMatchObject({ message: 'stopped: done 90', framesBy: 'replay' });
    expect(error.frames![0]).toMatchObject({ functionName: 'finish', locals: { total: 90, summary: 'done 90' } });
  }, 90_000);

  it('AGENTTRACE_LOCALS=off: no replay, no locals', async () => {
    const { error, stderr } = await recordError(tmpHome(), AGENT, ['missing'], { AGENTTRACE_LOCALS: 'off' });
    expect(error.frames).toBeUndefined();
    expect(stderr).not.toContain('locals at the error');
  }, 60_000);
});

describe('locals at every exception (AGENTTRACE_LOCALS=exceptions)', () => {
  it('a TypeError on a missing field: the locals of that frame, with the object', async () => {
    const { error } = await recordError(tmpHome(), AGENT, ['missing'], { AGENTTRACE_LOCALS: 'exceptions' });
    expect(error.name).toBe('TypeError');
    expect(error.frames![0]).toMatchObject({ functionName: 'readName', line: lineOf('${user.profile.name}'), locals: { user: { id: 2 }, greeting: 'Hello' } });
  }, 60_000);

  it('a late loop pass and a rethrow keep their own locals too', async () => {
    const loop = await recordError(tmpHome(), AGENT, ['loop'], { AGENTTRACE_LOCALS: 'exceptions' });
    expect(frame(loop.error, 'loop')!.locals).toMatchObject({ i: 9, city: 'Atlantis' });
    // The exception pause of JSON.parse's SyntaxError happened in rethrow's try block, before the catch ran.
    const re = await recordError(tmpHome(), AGENT, ['rethrow'], { AGENTTRACE_LOCALS: 'exceptions' });
    expect(re.error.frames![0]).toMatchObject({ functionName: 'rethrow', locals: { attempt: 3 } });
  }, 120_000);
});

describe('source at the error', () => {
  it('keeps the text of every own file on the failing stack, masked, through export and import, and says when the file changed', async () => {
    // .tmp is git-ignored: a fresh clone does not have it.
    fs.mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO, '.tmp', 'err-src-'));
    scratch.push(dir);
    const helper = [
      '// helper module of the source capture test',
      "const token = 'sk-test-source-secret-000000000000';",
      'export function check(rows) {',
      '  const wanted = rows.length + 1;',
      '  if (rows.length < wanted) throw new Error(`short: ${rows.length} < ${wanted}`);',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'helper.mjs'), helper);
    fs.writeFileSync(path.join(dir, 'agent.mjs'), "import { check } from './helper.mjs';\nconst rows = [1, 2];\ncheck(rows);\n");
    const home = tmpHome();
    const { id, error } = await recordError(home, path.join(dir, 'agent.mjs'), []);
    expect(error.sources?.map((s) => path.basename(new URL(s.url).pathname)).sort()).toEqual(['agent.mjs', 'helper.mjs']);

    const store = openStore({ home, env: {} });
    try {
      const api = createWorkbenchApi(store);
      const src = await api.getSource({ runId: id, file: path.join(dir, 'helper.mjs') });
      expect(src).toMatchObject({ capturedAt: 'error', changedOnDisk: false, path: path.join(dir, 'helper.mjs') });
      expect(src.text).toContain('if (rows.length < wanted) throw new Error');
      expect(src.text).not.toContain('sk-test-source-secret-000000000000');
      fs.writeFileSync(path.join(dir, 'helper.mjs'), helper.replace('+ 1', '+ 2'));
      const after = await api.getSource({ runId: id, file: `file://${path.join(dir, 'helper.mjs')}` });
      expect(after.changedOnDisk).toBe(true);
      expect(after.text).toBe(src.text);
      await expect(api.getSource({ runId: id, file: '/no/such/file.mjs' })).rejects.toMatchObject({ code: 'ATR_NOT_FOUND' });
    } finally {
      store.close();
    }

    const file = path.join(dir, 'run.agenttrace');
    const exp = await runCli(['export', id, '-o', file], { home });
    expect(exp.code, exp.stderr).toBe(0);
    const other = tmpHome();
    const imp = await runCli(['import', file], { home: other });
    expect(imp.code, imp.stderr).toBe(0);
    const imported = openStore({ home: other, env: {} });
    try {
      const src = await createWorkbenchApi(imported).getSource({ runId: id, file: path.join(dir, 'helper.mjs') });
      expect(src.text).toContain('export function check(rows)');
      expect(src.changedOnDisk).toBe(true);
    } finally {
      imported.close();
    }
  }, 120_000);
});
