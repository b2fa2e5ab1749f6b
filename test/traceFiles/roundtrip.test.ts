/**
 * Trace files through the real binary on a fresh recording (LLM calls against the mock server, then a live resume
 * branch): export -> import into an empty store -> `show` and `replay` give the same as in the recording store;
 * `open`; re-import is a no-op; no overwrite without --force; the secret scan refuses a store row holding a
 * secret; bad files get one error line each and leave the store untouched, while the good files next to them load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRun } from '../../src/engine/store/storeTypes.js';
import { execFile } from '../../src/engine/store/testSql.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../mock/llmServer.js';
import { REPO, cliJson, lastJsonLine, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

const AGENT = path.join(REPO, 'test', 'fixtures', 'traceFiles', 'agents', 'chain.mjs');

let mock: MockLlmServer;
let home: string;
let id: string;
let resumeId: string;
beforeAll(async () => {
  mock = await startMockLlm();
  home = tmpHome();
  const env = { AGENT_LLM_URL: mock.url };
  const rec = await runCli(['record', AGENT, '--json'], { home, env, cwd: tmpHome() });
  expect(rec.code, rec.stderr).toBe(0);
  id = lastJsonLine<{ id: string }>(rec.stdout).id;
  const { events } = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'llm'], { home });
  const resume = await runCli(['replay', id, '--step', String(events[0].seq)], { home, env });
  expect(resume.code, resume.stderr).toBe(0);
  resumeId = `${id}__resume-${events[0].seq}`;
});
afterAll(async () => {
  await mock?.close();
  removeHomes();
});

/** `show --json` of a run without the recording host's pid (not exported: it means nothing elsewhere). */
async function shown(h: string, runId: string): Promise<{ run: Omit<StoredRun, 'hostPid'>; events: TraceEvent[] }> {
  const s = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', runId, '--json'], { home: h });
  const { hostPid: _hostPid, ...run } = s.run;
  return { run, events: s.events };
}

describe('export -> import -> show and replay', () => {
  it('an empty store gets the same runs, and they replay the same, with no live call', async () => {
    const work = tmpHome();
    const exp = await runCli(['export', id.slice(0, 6)], { home, cwd: work });
    expect(exp.code, exp.stderr).toBe(0);
    const file = `${id.slice(0, 8)}.agenttrace`;
    expect(exp.stdout).toMatch(new RegExp(`^Exported ${id} \\(2 runs, \\d+ events, 1 blob\\) to ${file} \\(\\d+(\\.\\d)? (B|KiB)\\)\\n$`));
    expect(fs.readdirSync(work)).toEqual([file]);

    const again = await runCli(['export', id], { home, cwd: work });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`agenttrace: ${file} already exists (pass --force to overwrite it, or choose another file with -o FILE)\n`);
    expect((await runCli(['export', id, '--force'], { home, cwd: work })).code).toBe(0);

    const home2 = tmpHome();
    const imp = await runCli(['import', file], { home: home2, cwd: work });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(new RegExp(`^Imported ${file}: 2 runs, \\d+ events, 1 new blob; root ${id}\\n$`));
    for (const runId of [id, resumeId]) expect(await shown(home2, runId), runId).toEqual(await shown(home, runId));

    const requests = mock.requests.length;
    for (const runId of [id, resumeId]) {
      const before = await runCli(['replay', runId], { home });
      const after = await runCli(['replay', runId], { home: home2 });
      expect(after.code, after.stderr).toBe(0);
      expect(after.stderr).toMatch(/^Replay verified: output identical \(\d+ events matched\)$/m);
      expect(after.stdout).toBe(before.stdout);
      expect(after.stdout).toMatch(/^reply 3: /m);
    }
    expect(mock.requests.length).toBe(requests);

    const twice = await runCli(['import', file], { home: home2, cwd: work });
    expect(twice.stdout).toBe(`${file}: already imported (2 runs, root ${id})\n`);
    expect(await cliJson<unknown[]>(['list', '--json'], { home: home2 })).toHaveLength(2);
  });

  it('open FILE imports and prints exactly what show prints for the exported run', async () => {
    const work = tmpHome();
    const file = path.join(work, 'branch.agenttrace');
    expect((await runCli(['export', resumeId, '--only', '-o', file], { home })).code).toBe(0);
    const home2 = tmpHome();
    const opened = await runCli(['open', file], { home: home2 });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/^Imported .*branch\.agenttrace: 2 runs, \d+ events, \d+ new blobs?; root /);
    expect(opened.stderr).toMatch(new RegExp(`partial copy up to step \\d+ \\(the ancestor of a branch\\)`));
    const show = await runCli(['show', resumeId], { home: home2 });
    expect(opened.stdout).toBe(show.stdout);
    expect(opened.stdout).toMatch(new RegExp(`^Run\\s+${resumeId}$`, 'm'));
    // The branch alone replays: its ancestor's events up to the fork came with it.
    const r = await runCli(['replay', resumeId], { home: home2 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Replay verified/m);
  });
});

describe('export refuses secrets', () => {
  it('a secret inserted directly into a store row: the export fails, names where, and writes nothing', async () => {
    const h = tmpHome();
    const work = tmpHome();
    const src = path.join(work, 'src.agenttrace');
    expect((await runCli(['export', id, '-o', src], { home })).code).toBe(0);
    expect((await runCli(['import', src], { home: h })).code).toBe(0);
    fs.rmSync(src);
    execFile(
      path.join(h, 'traces.db'),
      'INSERT INTO events (run_key, seq, end_seq, batched, kind, ts, payload) VALUES ((SELECT key FROM run_keys WHERE id = ?), 9999, 9999, 0, ?, 1, ?)',
      id,
      'console',
      JSON.stringify({ stream: 'stdout', text: 'leaked Authorization: Bearer abcdefghijklmnop123' }),
    );
    const r = await runCli(['export', id, '-o', 'leak.agenttrace'], { home: h, cwd: work });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^agenttrace: export refused, leak\\.agenttrace would contain a secret: run ${id} event 9999, field payload\\.text: a token shaped like Bear… \\(nothing was written`));
    expect(r.stderr).not.toContain('abcdefghijklmnop123');
    expect(fs.readdirSync(work)).toEqual([]);
  });
});

describe('import of bad files (through the CLI)', () => {
  it('one error line per bad file naming it, exit 1, the store untouched; good files next to them still load', async () => {
    const work = tmpHome();
    const good = path.join(work, 'good.agenttrace');
    expect((await runCli(['export', id, '-o', good], { home })).code).toBe(0);
    const bytes = fs.readFileSync(good);
    const nl = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, nl).toString()) as Record<string, unknown>;
    fs.writeFileSync(path.join(work, 'newer.agenttrace'), Buffer.concat([Buffer.from(JSON.stringify({ ...header, version: 9 }) + '\n'), bytes.subarray(nl + 1)]));
    fs.writeFileSync(path.join(work, 'cut.agenttrace'), bytes.subarray(0, bytes.length - 40));

    const h = tmpHome();
    const bad = await runCli(['import', 'newer.agenttrace', 'cut.agenttrace'], { home: h, cwd: work });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n').filter(Boolean)).toEqual([
      'agenttrace: newer.agenttrace: made by a newer AgentTrace (format 9, this one reads up to 2) (upgrade AgentTrace to open it)',
      expect.stringMatching(/^agenttrace: cut\.agenttrace: truncated: .* \(the file is damaged or not an AgentTrace trace file; export it again\)$/),
    ]);
    expect(await cliJson<unknown[]>(['list', '--json'], { home: h })).toEqual([]);

    const mixed = await runCli(['import', 'cut.agenttrace', 'good.agenttrace', '--json'], { home: h, cwd: work });
    expect(mixed.code).toBe(1);
    const results = JSON.parse(mixed.stdout) as { file: string; ok: boolean; error?: { code: string } }[];
    expect(results.map((x) => [x.file, x.ok, x.error?.code])).toEqual([
      ['cut.agenttrace', false, 'ATR_TRACE_FILE'],
      ['good.agenttrace', true, undefined],
    ]);
    expect(await cliJson<unknown[]>(['list', '--json'], { home: h })).toHaveLength(2);
  });
});
