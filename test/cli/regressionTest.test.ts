/**
 * `agenttrace test` through the real binary: a recorded openai agent (real client, real mock LLM server) is the
 * baseline; the unchanged agent passes; with a changed prompt it fails naming the diverging step with a -/+ diff;
 * the JUnit report is well-formed XML carrying that failure; `--update` makes the changed agent the baseline; a trace
 * file works as a committed baseline in a fresh store (as in CI) and is rewritten in place by `--update`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { AGENTS, REPO, cliJson, removeHomes, runCli, tmpHome } from './cliHarness.js';

afterAll(removeHomes);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const mock = useMockLlm();
const KEY = { OPENAI_API_KEY: 'sk-regression-test-000000000000' };
const env = (): Record<string, string> => ({ MOCK_URL: mock.url, ...KEY });

/** A copy of the agent in its own folder (the "project"), with the repo's node_modules linked so `openai` resolves. */
function project(): { dir: string; agent: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-test-cmd-'));
  dirs.push(dir);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const agent = path.join(dir, 'agent.mjs');
  fs.copyFileSync(path.join(AGENTS, 'regress-agent.mjs'), agent);
  return { dir, agent };
}

const OLD_PROMPT = 'plan a walking route through: ';
const NEW_PROMPT = 'plan a bike route through: ';
function changePrompt(agent: string): void {
  const src = fs.readFileSync(agent, 'utf8');
  expect(src).toContain(OLD_PROMPT);
  fs.writeFileSync(agent, src.replace(OLD_PROMPT, NEW_PROMPT));
}

async function record(dir: string, home: string): Promise<string> {
  const rec = await runCli(['record', 'agent.mjs'], { home, cwd: dir, env: env() });
  expect(rec.code, rec.stderr).toBe(0);
  const id = /^Trace recorded: (\S+)$/m.exec(rec.stderr)?.[1];
  expect(id, rec.stderr).toBeDefined();
  return String(id);
}

interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
}

/** Parses with sax in strict mode (a well-formedness check: any error throws); sax is in the lockfile via plist. */
function parseXml(xml: string): XmlNode {
  const sax = createRequire(import.meta.url)('sax') as {
    parser(strict: boolean): { onerror: (e: Error) => void; onopentag: (n: { name: string; attributes: Record<string, string> }) => void; onclosetag: () => void; ontext: (t: string) => void; write(s: string): { close(): void } };
  };
  const p = sax.parser(true);
  const root: XmlNode = { name: '#document', attributes: {}, text: '', children: [] };
  const stack = [root];
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (n) => {
    const node: XmlNode = { name: n.name, attributes: n.attributes, text: '', children: [] };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  };
  p.onclosetag = () => void stack.pop();
  p.ontext = (t) => (stack[stack.length - 1].text += t);
  p.write(xml).close();
  expect(root.children).toHaveLength(1);
  return root.children[0];
}

describe('agenttrace test', () => {
  it('passes an unchanged agent, fails a changed prompt with the diverging step and a diff, and --update accepts it', async () => {
    const home = tmpHome();
    const { dir, agent } = project();
    const id = await record(dir, home);
    const { events } = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'llm'], { home });
    expect(events).toHaveLength(2);
    const calls = mock.requests.length;

    const pass = await runCli(['test', id.slice(0, 8)], { home, cwd: dir, env: env() });
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(new RegExp(`^PASS  agent\\.mjs \\(run ${id}\\) `, 'm'));
    expect(pass.stdout).toMatch(/^1 test: 1 passed, 0 failed$/m);
    expect(mock.requests.length).toBe(calls);

    changePrompt(agent);
    const fail = await runCli(['test', id], { home, cwd: dir, env: env() });
    expect(fail.code, fail.stdout + fail.stderr).toBe(1);
    const lines = fail.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^FAIL  agent\\.mjs \\(run ${id}\\) `));
    expect(lines[1]).toMatch(new RegExp(`^ {6}diverged at step ${events[1].seq} \\(llm, unmatched-request\\): `));
    expect(fail.stdout).toMatch(/^ {6} {2}request: {2}POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions \(recorded and now\)$/m);
    const at = lines.findIndex((l) => l.trim() === 'body.messages.0.content:');
    expect(at, fail.stdout).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^\s+- "plan a walking route through: /);
    expect(lines[at + 2]).toMatch(/^\s+\+ "plan a bike route through: /);
    expect(fail.stdout).toContain(`If the new behaviour is intended, make it the baseline: agenttrace test ${id} --update`);
    expect(mock.requests.length).toBe(calls);

    // JUnit on stdout: well-formed, one failing testcase whose failure carries the diff; the totals go to stderr.
    const junit = await runCli(['test', id, '--reporter', 'junit'], { home, cwd: dir, env: env() });
    expect(junit.code).toBe(1);
    const suites = parseXml(junit.stdout);
    expect(suites.name).toBe('testsuites');
    expect(suites.attributes).toMatchObject({ tests: '1', failures: '1', errors: '0' });
    const testcase = suites.children[0].children[0];
    expect(testcase.name).toBe('testcase');
    expect(testcase.attributes.name).toBe(`agent.mjs [${id}]`);
    const failure = testcase.children.find((c) => c.name === 'failure');
    expect(failure?.attributes.message).toMatch(new RegExp(`^diverged at step ${events[1].seq} \\(llm`));
    expect(failure?.text).toContain('- "plan a walking route through: ');
    expect(failure?.text).toContain('+ "plan a bike route through: ');
    expect(testcase.children.find((c) => c.name === 'system-out')?.text).toMatch(/^ideas: /);
    expect(junit.stderr).toMatch(/^1 test: 0 passed, 1 failed$/m);

    // --output: the XML goes to the file, the text report to stdout.
    const file = path.join(dir, 'results.xml');
    const toFile = await runCli(['test', id, '--reporter', 'junit', '--output', 'results.xml'], { home, cwd: dir, env: env() });
    expect(toFile.code).toBe(1);
    expect(toFile.stdout).toMatch(/^FAIL {2}agent\.mjs/m);
    expect(parseXml(fs.readFileSync(file, 'utf8')).attributes.failures).toBe('1');

    // --update records the changed agent live; the new run is the baseline and passes.
    const upd = await runCli(['test', id, '--update'], { home, cwd: dir, env: env() });
    expect(upd.code, upd.stderr).toBe(0);
    const newId = /new baseline: run (\S+) \(was /.exec(upd.stdout)?.[1];
    expect(newId, upd.stdout).toBeDefined();
    expect(newId).not.toBe(id);
    expect(mock.requests.length).toBe(calls + 2);
    expect(mock.requests[mock.requests.length - 1].body.messages[0].content).toMatch(/^plan a bike route through: /);
    const again = await runCli(['test', String(newId)], { home, cwd: dir, env: env() });
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/^PASS /m);
  }, 180_000);

  it('uses a committed trace file as the baseline in a fresh store, and --update rewrites the file', async () => {
    const { dir, agent } = project();
    const recHome = tmpHome();
    const id = await record(dir, recHome);
    const exported = await runCli(['export', id, '-o', 'agent.agenttrace'], { home: recHome, cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    const before = fs.readFileSync(path.join(dir, 'agent.agenttrace'));

    // A CI machine: an empty store, the trace file and the code.
    const pass = await runCli(['test', 'agent.agenttrace'], { home: tmpHome(), cwd: dir, env: env() });
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(new RegExp(`^PASS  agent\\.mjs \\(agent\\.agenttrace, run ${id}\\) `, 'm'));

    changePrompt(agent);
    const fail = await runCli(['test', 'agent.agenttrace'], { home: tmpHome(), cwd: dir, env: env() });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/^ {6}diverged at step \d+ \(llm, unmatched-request\)/m);

    const upd = await runCli(['test', 'agent.agenttrace', '--update'], { home: tmpHome(), cwd: dir, env: env() });
    expect(upd.code, upd.stderr).toBe(0);
    expect(upd.stdout).toMatch(/^Recorded ok \(exit 0\): agent\.agenttrace now holds run \S+$/m);
    expect(fs.readFileSync(path.join(dir, 'agent.agenttrace')).equals(before)).toBe(false);
    const after = await runCli(['test', 'agent.agenttrace'], { home: tmpHome(), cwd: dir, env: env() });
    expect(after.code, after.stdout + after.stderr).toBe(0);
  }, 180_000);

  it('fails a changed output line with a -/+ diff of that line', async () => {
    const home = tmpHome();
    const { dir, agent } = project();
    const id = await record(dir, home);
    fs.writeFileSync(agent, fs.readFileSync(agent, 'utf8').replace('console.log(`route: ', 'console.log(`Route: '));
    const fail = await runCli(['test', id], { home, cwd: dir, env: env() });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/^ {6}output differs from the recording at stdout line 2 /m);
    expect(fail.stdout).toMatch(/^ {8}- "route: /m);
    expect(fail.stdout).toMatch(/^ {8}\+ "Route: /m);
  }, 120_000);

  it('rejects an unknown run id or a missing trace file with one line and exit 2', async () => {
    const home = tmpHome();
    const unknown = await runCli(['test', 'no-such-run'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^agenttrace: .*no-such-run/);
    const missing = await runCli(['test', 'nowhere.agenttrace'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^agenttrace: trace file not found: nowhere\.agenttrace \(/);
    const usage = await runCli(['test', 'x', '--output', 'r.xml'], { home });
    expect(usage.code).toBe(2);
  });
});
