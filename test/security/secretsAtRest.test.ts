/**
 * Secrets at rest: a real agent (the real openai client against the mock LLM server, raw fetch to an echo server)
 * carries a distinct credential of every kind the recorder must mask — a JSON body field, a query parameter, a custom
 * header, a cookie, a header the server echoes back, each well-known token shape, the lines of a .env file pasted into
 * a prompt (in the JSON body they follow `\n` escapes), argv flags, a *_PASSWORD env var,
 * an error message, literals in the script source, and locals captured at an LLM call and at the error. Then every
 * byte of $AGENTTRACE_HOME (traces.db, -wal, -shm, journals), of the temp files the run left under os.tmpdir(), and
 * of exports is searched for each planted value. Export refuses (naming event and field) what its scan finds, and
 * writes it with --allow-secrets.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePayload } from '../../src/engine/store/payloadCodec.js';
import { decodedRowsOfFile, queryFile } from '../../src/engine/store/testSql.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, lastJsonLine, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { scanTexts } from '../helpers/secretScan.js';
import { useMockLlm } from '../mock/useMockLlm.js';

afterAll(removeHomes);

const mock = useMockLlm();
const hex = (n: number): string => randomBytes(n).toString('hex');
const b64 = (n: number): string => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x');

/** Every planted value, by kind; random so nothing but this run can contain them. */
const PLANTED = {
  bodyField: `bodyfield-${hex(8)}`,
  query: `queryparam-${hex(8)}`,
  header: `customhdr-${hex(8)}`,
  cookie: `cookieval-${hex(8)}`,
  echoed: `echoedhdr-${hex(8)}`,
  jwt: `eyJ${b64(12)}.eyJ${b64(18)}.${b64(24)}`,
  groq: `gsk_${hex(12)}`,
  openai: `sk-${hex(12)}`,
  anthropic: `sk-ant-api03-${hex(12)}`,
  hf: `hf_${hex(12)}`,
  ghp: `ghp_${hex(12)}`,
  githubPat: `github_pat_${hex(12)}`,
  slack: `xoxb-${hex(12)}`,
  aws: `AKIA${hex(8).toUpperCase()}`,
  argvEq: `argveq-${hex(8)}`,
  argvNext: `argvnext-${hex(8)}`,
  envPassword: `envpw-${hex(8)}`,
  errorMessage: `errmsg-${hex(8)}`,
  localAtLlm: `localllm-${hex(8)}`,
  localAtError: `localerr-${hex(8)}`,
  // Lines of a pasted .env file and log in a prompt: inside the request's JSON body they follow `\n` / `\t` escapes.
  lineToken: `sk-${hex(12)}`,
  linePassword: `linepw-${hex(8)}`,
  tabKey: `tabkey-${hex(8)}`,
  lineAuth: `lineauth-${hex(8)}`,
  urlPassword: `urlpw-${hex(8)}`,
  // Literals in test/agents/secrets-at-rest.mjs.
  sourceLiteral: 'srclit-pw-5c1d9e7b2a',
  sourceAws: 'AKIAQWERTYUIOPASDFGH',
};
const SHAPES = ['jwt', 'groq', 'openai', 'anthropic', 'hf', 'ghp', 'githubPat', 'slack', 'aws'] as const;

/** Planted values found in the bytes of every file under dir (latin1: one char per byte, binary pages included). */
function leaksIn(dir: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(d);
    } catch {
      return; // removed meanwhile (another process's temp folder)
    }
    for (const name of names) {
      const f = path.join(d, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(f);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(f);
      else if (st.isFile()) {
        let texts: string[];
        try {
          texts = scanTexts(f);
        } catch {
          continue;
        }
        for (const [kind, v] of Object.entries(PLANTED)) if (texts.some((t) => t.includes(v))) hits.push(`${f}: ${kind}`);
      }
    }
  };
  walk(dir);
  return hits;
}

let echo: http.Server;
let echoUrl = '';
let echoSaw: http.IncomingHttpHeaders | undefined;

beforeAll(async () => {
  // Echoes the x-acme-key request header back in a body field with a neutral name: only learning the header's value
  // can mask it there.
  echo = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      echoSaw = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seen: req.headers['x-acme-key'], ok: true }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

describe('secrets at rest', () => {
  it('no planted secret reaches the store, WAL, journals or temp files; export refuses what its scan finds', async () => {
    const home = tmpHome();
    const tmpBefore = new Set(fs.readdirSync(os.tmpdir()));
    const env = {
      MOCK_LLM_URL: mock.url,
      ECHO_URL: echoUrl,
      FOO_PASSWORD: PLANTED.envPassword,
      PLANT_QUERY: PLANTED.query,
      PLANT_HEADER: PLANTED.header,
      PLANT_COOKIE: PLANTED.cookie,
      PLANT_ECHO: PLANTED.echoed,
      PLANT_BODY: PLANTED.bodyField,
      PLANT_SHAPES: SHAPES.map((k) => PLANTED[k]).join(' '),
      PLANT_LINES: `# .env\n${PLANTED.lineToken}\nDB_PASSWORD=${PLANTED.linePassword}\n\tapi_key=${PLANTED.tabKey}\nAuthorization: Basic ${PLANTED.lineAuth}\nDATABASE_URL=postgres://app:${PLANTED.urlPassword}@db:5432/app\n`,
      PLANT_LOCAL_LLM: PLANTED.localAtLlm,
      PLANT_LOCAL_ERR: PLANTED.localAtError,
      PLANT_ERRMSG: PLANTED.errorMessage,
    };
    const args = ['record', 'test/agents/secrets-at-rest.mjs', '--json', '--', `--api-key=${PLANTED.argvEq}`, '--token', PLANTED.argvNext];
    const r = await runCli(args, { home, env });
    // The agent really carried each secret: its own output is untouched, and the servers received them.
    expect(r.stdout).toContain(`configured with ${PLANTED.argvEq} and ${PLANTED.argvNext} and ${PLANTED.envPassword}`);
    expect(r.stdout).toContain('echo true');
    expect(r.stderr).toContain(PLANTED.errorMessage);
    expect(echoSaw?.cookie).toContain(PLANTED.cookie);
    const llmReq = mock.requests.find((q) => q.headers['x-acme-token'] === PLANTED.header);
    expect(JSON.stringify(llmReq?.body)).toContain(PLANTED.groq);
    expect(JSON.stringify(llmReq?.body)).toContain(`\\nDB_PASSWORD=${PLANTED.linePassword}`);
    const { id } = lastJsonLine<{ id: string }>(r.stdout);
    // The byte scan itself finds what it looks for (the agent's own output holds some of the values).
    const probe = fs.mkdtempSync(path.join(home, 'probe-'));
    fs.writeFileSync(path.join(probe, 'stdout.bin'), r.stdout, 'latin1');
    const packed = encodePayload(JSON.stringify({ note: 'padding '.repeat(200), secret: PLANTED.query }));
    expect(packed.includes(PLANTED.query)).toBe(false);
    fs.writeFileSync(path.join(probe, 'page.bin'), `\0\0${packed}\0`, 'latin1');
    expect(leaksIn(probe)).toEqual(expect.arrayContaining([expect.stringMatching(/argvEq$/), expect.stringMatching(/envPassword$/), expect.stringMatching(/page\.bin: query$/)]));
    fs.rmSync(probe, { recursive: true });

    // Every byte of the home (traces.db, -wal, -shm, journals/*), as the CLI left it.
    expect(fs.readdirSync(home)).toEqual(expect.arrayContaining(['traces.db']));
    expect(leaksIn(home)).toEqual([]);
    // And every temp file or folder that appeared under os.tmpdir() during the run.
    const tmpNew = fs.readdirSync(os.tmpdir()).filter((n) => !tmpBefore.has(n) && path.join(os.tmpdir(), n) !== home);
    expect(tmpNew.flatMap((n) => leaksIn(path.join(os.tmpdir(), n)))).toEqual([]);

    // The masking is where it should be (not an empty recording): masks stand where the secrets were.
    const shown = await cliJson<{ run: { argv: string[]; env: Record<string, string> }; events: TraceEvent[] }>(['show', id, '--json'], { home });
    expect(shown.run.argv).toEqual(['--api-key=***', '--token', '***']);
    const text = JSON.stringify(shown.events);
    expect(text).toContain('access_token=***');
    expect(text).toContain('"x-acme-token":"***"');
    expect(text).toContain('\\"client_secret\\":\\"***\\"');
    expect(text).toContain('\\"seen\\":\\"***\\"');
    expect(text).toContain('password=***');
    const error = shown.events.find((e) => e.kind === 'error');
    expect(JSON.stringify(error?.payload)).toContain('"refreshToken":"***"');
    const dbFile = path.join(home, 'traces.db');
    expect(decodedRowsOfFile(dbFile, id).join('\n')).toContain('"sessionSecret":"***"');
    expect(queryFile(dbFile, 'SELECT script_source FROM runs WHERE id = ?', id)).toContain("const dbPassword = '***';");

    // A branch from the echo call on: the part after the fork runs live again (echo, error) and is stored as a run.
    const echoStep = shown.events.find((e) => e.kind === 'http' && JSON.stringify(e.payload).includes('/echo'))?.seq;
    expect(echoStep).toBeGreaterThan(0);
    const created = await runCli(['branch', 'create', id, '--step', String(echoStep), '--name', 'again', '--json'], { home });
    expect(created.code).toBe(0);
    const ran = await runCli(['branch', 'run', `${id}__again`, '--json'], { home, env });
    expect(ran.stdout + ran.stderr).toContain(PLANTED.errorMessage);
    expect(leaksIn(home)).toEqual([]);
    const branchEvents = JSON.stringify((await cliJson<{ events: TraceEvent[] }>(['show', `${id}__again`, '--json'], { home })).events);
    expect(branchEvents).toContain('password=***');

    // Export: the store's copy is clean, so a plain export writes; a value the scan is told about refuses it.
    const out = path.join(home, 'out');
    fs.mkdirSync(out);
    const clean = await runCli(['export', id, '-o', path.join(out, 'clean.agenttrace')], { home });
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    // `gpt-4o-mini` is in the recording in clear (the model name): as the value of a secret-named variable of the
    // exporting shell, it is what a late-known secret looks like.
    const late = { LATE_SERVICE_TOKEN: 'gpt-4o-mini' };
    const refused = await runCli(['export', id, '-o', path.join(out, 'refused.agenttrace')], { home, env: late });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^agenttrace: export refused, \S*refused\.agenttrace would contain \d+ secrets: /);
    expect(refused.stderr).toMatch(/run \S+ event \d+, field payload\.[\w.]+: the value of \$LATE_SERVICE_TOKEN/);
    expect(refused.stderr).toContain('--allow-secrets');
    expect(fs.existsSync(path.join(out, 'refused.agenttrace'))).toBe(false);
    const allowed = await runCli(['export', id, '-o', path.join(out, 'allowed.agenttrace'), '--allow-secrets'], { home, env: late });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/warning: written with a secret \(--allow-secrets\): run \S+ event \d+, field payload\./);
    expect(fs.existsSync(path.join(out, 'allowed.agenttrace'))).toBe(true);
    // Neither export (nor the store after exporting) holds any planted value: the file keeps what the store masked.
    expect(leaksIn(home)).toEqual([]);
  }, 180_000);
});
