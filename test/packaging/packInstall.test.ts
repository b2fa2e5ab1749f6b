/**
 * The npm package as a user gets it: `npm pack` (its prepack builds the CLI, the SDK, their types and the workbench
 * renderer), the tarball installed as a dev-dependency into a fresh project outside this repo next to the `openai`
 * client, and then, in that project, `npx agenttrace record agent.ts` → `replay` → `ui`.
 *
 * No internet: the project gets a lockfile derived from this repo's (projectLock.ts) and is installed with
 * `npm ci --offline` from the npm cache this repo's own `npm ci` filled. Install scripts are skipped
 * (`--ignore-scripts`) because better-sqlite3's would compile it from source for about two minutes here; instead its
 * compiled binding is copied from this repo's install (same Node, same package version) to where that script would
 * have put it. Everything else (the JavaScript of every dependency, the bin link, tsx, the SDK) is the installed copy.
 * Takes about a minute on an idle machine (npm pack with its builds, then npm ci), several on a busy one.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from '../mock/llmServer.js';
import { writeProjectWithLock } from './projectLock.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const KEY = 'sk-packinstall-000000000000000000';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the mock LLM server lives in this process: a sync spawn would deadlock it). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The test runner's own settings must not reach the user's project. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AGENTTRACE_') || k.startsWith('npm_')) delete env[k];
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

const AGENT = `// A user's agent: the openai client, one named step through the SDK's public import path.
import OpenAI from 'openai';
import { step } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: \`\${process.env.MOCK_URL}/v1\`, maxRetries: 0 });
const reply = await step('ask', { city: 'Lisbon' }, () =>
  client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'plan a day in Lisbon' }] }),
);
const text: string = reply.choices[0].message.content ?? '';
console.log(\`answer: \${text}\`);
`;

let tmp: string;
let project: string;
let files: string[];
let mock: MockLlmServer;
let home: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-pack-'));
  // npm pack runs in a copy of the sources: its prepack rebuilds dist/ and out/, which the other test files running
  // at the same time spawn and serve from this checkout.
  const source = path.join(tmp, 'source');
  const skip = new Set(['node_modules', 'dist', 'out', '.git', '.tmp', 'test-results', 'release', '.agenttrace']);
  fs.cpSync(REPO, source, { recursive: true, filter: (f) => !skip.has(path.relative(REPO, f).split(path.sep)[0]) });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const packed = await run(NPM, ['pack', '--pack-destination', tmp], source);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = path.join(tmp, packed.stdout.trim().split('\n').pop() ?? '');
  expect(fs.existsSync(tarball), packed.stdout).toBe(true);
  const listing = await run('tar', ['-tzf', tarball], tmp);
  files = listing.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));

  project = path.join(tmp, 'my-agent');
  fs.mkdirSync(project);
  writeProjectWithLock(REPO, tarball, project, ['openai']);
  const installed = await run(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  expect(installed.code, installed.stderr).toBe(0);
  const nativeFrom = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  const nativeTo = path.join(project, 'node_modules', 'better-sqlite3', 'build', 'Release');
  fs.mkdirSync(nativeTo, { recursive: true });
  fs.copyFileSync(nativeFrom, path.join(nativeTo, 'better_sqlite3.node'));
  fs.writeFileSync(path.join(project, 'agent.ts'), AGENT);
  home = path.join(tmp, 'home');
  mock = await startMockLlm();
}, 420_000);

afterAll(async () => {
  await mock?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the bin, the built CLI, SDK, types, renderer and sample, and no tests or sources', () => {
    for (const f of ['bin/agenttrace.mjs', 'dist/cli/main.mjs', 'dist/sdk/register.mjs', 'dist/sdk/index.mjs', 'dist/sdk/index.cjs', 'dist/types/sdk/index.d.ts', 'out/renderer/index.html', 'resources/sample/sample.agenttrace', 'README.md', 'package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => /^out\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
    const unwanted = files.filter((f) => /\.test\.|\.spec\.|^e2e\/|^test\/|^src\/|^sdk\/|^bench\/|^scripts\/|^out\/main\/|^out\/preload\//.test(f));
    expect(unwanted).toEqual([]);
  });
});

describe('installed into a fresh project', () => {
  it('gives TypeScript the SDK types through agenttrace/sdk', async () => {
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] }, files: ['typed.ts', 'misuse.ts'] }));
    fs.writeFileSync(path.join(project, 'typed.ts'), "import { step, track } from 'agenttrace/sdk';\nconst memory = track('memory', { notes: [] as string[] });\nexport const n: number = await step('count', async () => memory.notes.length);\n");
    fs.writeFileSync(path.join(project, 'misuse.ts'), "import { track } from 'agenttrace/sdk';\nexport const bad = track('memory', 42);\n");
    // typescript comes with agenttrace (it is a dependency): the project's own tsc.
    const tsc = await run(NPX, ['tsc', '-p', 'tsconfig.json'], project);
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors, tsc.stdout).toHaveLength(1);
    expect(errors[0]).toMatch(/^misuse\.ts\(2,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'object'/);
  });


  it('records an openai agent with npx agenttrace, replays it offline, and serves the workbench UI', async () => {
    const env = cleanEnv({ AGENTTRACE_HOME: home, MOCK_URL: mock.url, OPENAI_API_KEY: KEY });
    // The CLI runs from the project's node_modules, not from this repo.
    expect(fs.realpathSync(path.join(project, 'node_modules', '.bin', 'agenttrace'))).toBe(path.join(fs.realpathSync(project), 'node_modules', 'agenttrace', 'bin', 'agenttrace.mjs'));
    const version = await run(NPX, ['agenttrace', '--version'], project, env);
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version);

    const rec = await run(NPX, ['agenttrace', 'record', 'agent.ts'], project, env);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/^answer: \S/m);
    const id = /^Trace recorded: (\S+)$/m.exec(rec.stderr)?.[1];
    expect(id, rec.stderr).toBeDefined();
    expect(mock.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    const shown = await run(NPX, ['agenttrace', 'show', String(id), '--json'], project, env);
    const kinds = (JSON.parse(shown.stdout) as { events: { kind: string }[] }).events.map((e) => e.kind);
    expect(kinds).toContain('llm');
    expect(kinds).toContain('step');

    const replay = await run(NPX, ['agenttrace', 'replay', String(id)], project, env);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toMatch(/^Replay verified: output identical/m);
    expect(replay.stdout).toBe(rec.stdout);
    expect(mock.requests).toHaveLength(1);

    const help = await run(NPX, ['agenttrace', 'ui', '--help'], project, env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: agenttrace ui /m);

    // The installed package finds its own built renderer: the page and its script are served.
    const ui = spawn(path.join(project, 'node_modules', '.bin', 'agenttrace'), ['ui', '--port', '0'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        ui.stdout.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          const m = /AgentTrace workbench: (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        ui.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
        ui.on('exit', (code) => reject(new Error(`agenttrace ui exited ${String(code)}: ${err}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const asset = await fetch(new URL(String(script), url));
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(10_000);
    } finally {
      if (ui.exitCode === null && ui.signalCode === null) {
        const exited = new Promise((r) => ui.once('exit', r));
        ui.kill('SIGTERM');
        await exited;
      }
    }
  }, 180_000);
});
