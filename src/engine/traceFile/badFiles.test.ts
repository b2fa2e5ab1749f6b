/**
 * Every bad trace file gets one clear error naming the file and the reason, and leaves the store exactly as it was:
 * newer versions, truncation, corruption, size limits (file, decompressed, line), hostile content (unsafe keys are
 * refused, deep nesting, unsafe ids/names/env, lying blobs, dangling blob refs, non-UTF-8) and broken structure.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AtrError } from '../errors.js';
import { openStore, type TraceStore } from '../store/store.js';
import { meta, tmpHome } from '../store/testJournal.js';
import { exportTrace } from './exportTrace.js';
import { importTraceFile, type ImportOptions } from './importTrace.js';
import { dumpStore, execSql } from '../store/testSql.js';
import { fixReport } from '../../../test/helpers/fixRecordsFixture.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { B1, B2, ROOT, makeTree, readRaw, writeRaw, type RawTraceFile } from './testTraceFiles.js';

const { open } = testStores();

let dir: string;
let valid: string;
let good: RawTraceFile;
beforeAll(async () => {
  dir = tmpHome('atr-bad-');
  const src = openStore({ home: tmpHome(), env: {} });
  makeTree(src);
  valid = path.join(dir, 'valid.agenttrace');
  await exportTrace(src, ROOT, { out: valid, env: {} });
  src.close();
  good = readRaw(valid);
});

/** A fresh copy of the valid file's parts to mutate. */
const parts = (): RawTraceFile => structuredClone(good);
const recs = (t: RawTraceFile, r: string, run?: string): Record<string, unknown>[] => t.records.filter((x) => x.r === r && (run === undefined || x.run === run));
const runRec = (t: RawTraceFile, id: string): Record<string, unknown> => (t.records.find((x) => x.r === 'run' && (x.run as { id: string }).id === id) as { run: Record<string, unknown> }).run;

/** A target store that already holds an unrelated run, so "untouched" means something. */
function target(): TraceStore {
  const s = open();
  s.ingestor('bystander').ingestLines([{ t: 'run', meta: meta('bystander') }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'x' } }]);
  return s;
}

async function expectRefused(build: (file: string) => void, code: string, message: RegExp, opts: ImportOptions = {}): Promise<AtrError> {
  const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.agenttrace`);
  build(file);
  const store = target();
  const before = dumpStore(store);
  const err = await importTraceFile(store, file, { display: 'bad.agenttrace', ...opts }).catch((e: unknown) => e);
  expect(err, 'import should fail').toBeInstanceOf(AtrError);
  const e = err as AtrError;
  expect(e.code).toBe(code);
  expect(e.message.startsWith('bad.agenttrace: ')).toBe(true);
  expect(e.message).not.toContain('\n');
  expect(e.message).toMatch(message);
  expect(dumpStore(store)).toBe(before);
  return e;
}

describe('import refuses bad files and leaves the store untouched', () => {
  it('a file from a newer AgentTrace (file format or payload format)', async () => {
    const e = await expectRefused((f) => writeRaw(f, { ...parts(), header: { ...good.header, version: 3 } }), 'ATR_TRACE_VERSION', /^bad\.agenttrace: made by a newer AgentTrace \(format 3, this one reads up to 2\)$/);
    expect(e.toLine()).toMatch(/\(upgrade AgentTrace to open it\)$/);
    await expectRefused(
      (f) => {
        const t = parts();
        runRec(t, B1).formatVersion = 7;
        writeRaw(f, t);
      },
      'ATR_TRACE_VERSION',
      /made by a newer AgentTrace \(run run-root__b1 uses trace format 7, this one reads up to 1\)$/,
    );
  });

  it('a truncated file: cut in the compressed data, or at a record boundary without the end record', async () => {
    await expectRefused((f) => fs.writeFileSync(f, fs.readFileSync(valid).subarray(0, Math.floor(fs.statSync(valid).size * 0.7))), 'ATR_TRACE_FILE', /truncated/);
    await expectRefused((f) => writeRaw(f, { ...parts(), records: good.records.filter((r) => r.r !== 'end') }, { keepEnd: true }), 'ATR_TRACE_FILE', /truncated: the end record is missing$/);
    await expectRefused((f) => fs.writeFileSync(f, fs.readFileSync(valid).subarray(0, 20)), 'ATR_TRACE_FILE', /the header line is incomplete/);
  });

  it('corrupt data: not gzip, torn JSON, not a trace file at all', async () => {
    await expectRefused((f) => writeRaw(f, parts(), { body: Buffer.from('this is not gzip data at all') }), 'ATR_TRACE_FILE', /corrupt compressed data \(incorrect header check\)$/);
    await expectRefused((f) => writeRaw(f, { ...parts(), records: [good.records[0], '{"r":"run","run":{"id":"run-ro'] as never }), 'ATR_TRACE_FILE', /line 3 is not valid JSON/);
    await expectRefused((f) => fs.writeFileSync(f, 'hello world\nsecond line\n'), 'ATR_TRACE_FILE', /not an AgentTrace trace file \(the first line is not a JSON header\)$/);
    await expectRefused((f) => fs.writeFileSync(f, zlib.gzipSync('{"r":"manifest"}\n')), 'ATR_TRACE_FILE', /gzip data without the agenttrace header line/);
    await expectRefused((f) => fs.writeFileSync(f, ''), 'ATR_TRACE_FILE', /empty file/);
  });

  it('size limits: the file, what it decompresses to (a zip bomb stops at the limit), one line', async () => {
    await expectRefused((f) => fs.copyFileSync(valid, f), 'ATR_TRACE_FILE', /^bad\.agenttrace: file is \d+ bytes, over the import limit of 1000 bytes$/, { limits: { maxFileBytes: 1000 } });
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61)); // 64 MiB of 'a' in ~64 KiB
    expect(bomb.byteLength).toBeLessThan(200 * 1024);
    await expectRefused((f) => writeRaw(f, parts(), { body: bomb }), 'ATR_TRACE_FILE', /decompresses to more than 1 MiB \(the import limit\)$/, { limits: { maxDataBytes: 1024 * 1024 } });
    await expectRefused((f) => writeRaw(f, parts(), { body: bomb }), 'ATR_TRACE_FILE', /line 2 is longer than 4096 bytes$/, { limits: { maxLineChars: 4096 } });
  });

  it('absurd nesting', async () => {
    await expectRefused(
      (f) => {
        // Raw text: even JSON.stringify would overflow on it.
        const t = parts();
        recs(t, 'ev', ROOT)[0].payload = { deep: 'XXDEEPXX' };
        const lines = t.records.map((r) => JSON.stringify(r).replace('"XXDEEPXX"', '['.repeat(100_000) + ']'.repeat(100_000)));
        writeRaw(f, { ...t, records: lines as never }, { keepEnd: true });
      },
      'ATR_TRACE_FILE',
      /line \d+ nests deeper than 256 levels$/,
    );
  });

  it('run ids and names that are unsafe in file names or terminals; environment a recording never stores', async () => {
    const rename = (t: RawTraceFile, from: string, to: string): RawTraceFile => JSON.parse(JSON.stringify(t).split(`"${from}"`).join(JSON.stringify(to))) as RawTraceFile;
    await expectRefused((f) => writeRaw(f, rename(parts(), B2, '../../etc/evil')), 'ATR_TRACE_FILE', /line 2 \(manifest record\): runs\.\[2\] must be 1-200 characters of A-Z a-z 0-9 \. _ - \(no path separators or control characters\)$/);
    await expectRefused((f) => writeRaw(f, rename(parts(), B2, 'run\u0000x')), 'ATR_TRACE_FILE', /must be 1-200 characters/);
    const withName = (name: string) => (f: string) => {
      const t = parts();
      runRec(t, B1).name = name;
      writeRaw(f, t);
    };
    await expectRefused(withName('evil\u001b[31mred'), 'ATR_TRACE_FILE', /\(run record\): run\.name contains control characters$/);
    await expectRefused(withName('a/b'), 'ATR_TRACE_FILE', /\(run record\): run\.name contains a path separator$/);
    await expectRefused(withName('a\\b'), 'ATR_TRACE_FILE', /run\.name contains a path separator$/);
    await expectRefused(
      (f) => {
        const t = parts();
        runRec(t, ROOT).env = { NODE_OPTIONS: '--require /tmp/evil.js' };
        writeRaw(f, t);
      },
      'ATR_TRACE_FILE',
      /run\.env\.NODE_OPTIONS is not an environment variable a recording stores$/,
    );
  });

  it('a blob whose bytes do not match its hash, and an event referring to a blob the file lacks', async () => {
    await expectRefused(
      (f) => {
        const t = parts();
        recs(t, 'blob')[0].b64 = Buffer.from('other bytes').toString('base64');
        writeRaw(f, t);
      },
      'ATR_TRACE_FILE',
      /line \d+: blob [0-9a-f]{12} does not match its bytes \(their sha256 is [0-9a-f]{12}\)$/,
    );
    await expectRefused(
      (f) => {
        const t = parts();
        const llmBlob = ((recs(t, 'ev', ROOT).find((e) => e.kind === 'llm')?.payload as { request: { body: { blob: string } } }).request.body.blob);
        writeRaw(f, { ...t, records: t.records.filter((r) => !(r.r === 'blob' && r.hash === llmBlob)) });
      },
      'ATR_TRACE_FILE',
      /^bad\.agenttrace: run run-root event 9 refers to blob [0-9a-f]{12}, which is not in the file$/,
    );
  });

  it('text that is not UTF-8', async () => {
    await expectRefused(
      (f) => {
        const t = parts();
        recs(t, 'ev', ROOT)[0].payload = { name: 'XXBADXX' };
        const lines = t.records.filter((r) => r.r !== 'end').map((r) => JSON.stringify(r));
        lines.push(JSON.stringify({ r: 'end', records: lines.length }));
        const text = Buffer.from(lines.join('\n') + '\n');
        const at = text.indexOf('XXBADXX');
        text[at] = 0xff;
        text[at + 1] = 0xfe;
        writeRaw(f, t, { body: zlib.gzipSync(text) });
      },
      'ATR_TRACE_FILE',
      /not valid UTF-8 text/,
    );
  });

  it('broken structure: events before a fork, out of order, outside a partial copy; undeclared runs; records after the end', async () => {
    const mutate = (fn: (t: RawTraceFile) => void, opts?: { keepEnd?: boolean }) => (f: string) => {
      const t = parts();
      fn(t);
      writeRaw(f, t, opts);
    };
    await expectRefused(mutate((t) => ((recs(t, 'ev', B1).find((e) => !e.batched) as Record<string, unknown>).seq = 3)), 'ATR_TRACE_FILE', /event 3 of branch run-root__b1 lies before its fork at step 5 \(those are its parent's\)$/);
    await expectRefused(mutate((t) => ((recs(t, 'ev', ROOT).find((e) => e.kind === 'llm') as Record<string, unknown>).seq = 4)), 'ATR_TRACE_FILE', /events of run run-root are out of order or overlap at step 4$/);
    const partialRoot = (upTo: number) =>
      mutate((t) => {
        const r = t.records.find((x) => x.r === 'run' && (x.run as { id: string }).id === ROOT) as Record<string, unknown>;
        r.partial = { upTo };
      });
    await expectRefused(partialRoot(5), 'ATR_TRACE_FILE', /: keyframe 9 of run run-root lies beyond its partial copy \(up to step 5\)$/);
    await expectRefused(partialRoot(4), 'ATR_TRACE_FILE', /: run run-root__b1 forks at step 5, but its parent run-root is only carried up to step 4$/);
    await expectRefused(mutate((t) => (recs(t, 'ev', ROOT)[0].run = 'someone-else')), 'ATR_TRACE_FILE', /record of run someone-else, which the file does not declare$/);
    await expectRefused(mutate((t) => t.records.push({ r: 'blob', hash: 'a'.repeat(64), b64: '' }), { keepEnd: true }), 'ATR_TRACE_FILE', /data after the end record$/);
    await expectRefused(mutate((t) => ((t.records.at(-1) as Record<string, unknown>).records = 3), { keepEnd: true }), 'ATR_TRACE_FILE', /the end record counts 3 records, the file has \d+$/);
    await expectRefused(mutate((t) => t.records.splice(0, 1)), 'ATR_TRACE_FILE', /line 2: the first record must be the manifest$/);
    await expectRefused(mutate((t) => (t.records[0].r = 'surprise')), 'ATR_TRACE_FILE', /line 2: unknown record type "surprise"$/);
  });

  it('same ids, same metadata, different events: a conflict', async () => {
    const src = open();
    makeTree(src);
    execSql(src, "UPDATE events SET payload = json_set(payload, '$.text', 'changed\n') WHERE run_key = (SELECT key FROM run_keys WHERE id = ?) AND seq = 12", ROOT);
    const before = dumpStore(src);
    const err = await importTraceFile(src, valid, { display: 'bad.agenttrace' }).catch((e: unknown) => e);
    expect((err as AtrError).message).toBe('bad.agenttrace: run run-root already exists in the store with different content (its events differ)');
    expect(dumpStore(src)).toBe(before);
  });
});

describe('hostile fix records (v2) are refused like other bad records', () => {
  /** The valid file plus fix records (object or raw line text) right after its run records. */
  const withFixes =
    (...fixes: (Record<string, unknown> | string)[]) =>
    (f: string): void => {
      const t = parts();
      const at = t.records.findIndex((r) => r.r !== 'manifest' && r.r !== 'run');
      t.records.splice(at, 0, ...(fixes as Record<string, unknown>[]));
      writeRaw(f, t);
    };
  const fixRec = (over: Record<string, unknown> = {}, run = B2): Record<string, unknown> => ({ r: 'fix', run, fix: { ...fixReport('fix-0123abcd', run), ...over } });
  const candidate = fixReport('fix-x', B2).candidates[0];

  it('bad ids: not a fix id, a path, too long; a run the file does not declare; filed under another run', async () => {
    await expectRefused(withFixes(fixRec({ id: '../../etc/passwd' })), 'ATR_TRACE_FILE', /line 6 \(fix record\): fix\.id must be "fix-" and 1-64 characters of A-Z a-z 0-9 _ -$/);
    await expectRefused(withFixes(fixRec({ id: `fix-${'a'.repeat(65)}` })), 'ATR_TRACE_FILE', /\(fix record\): fix\.id must be "fix-"/);
    await expectRefused(withFixes(fixRec({ runId: 'x/y' }, 'x/y')), 'ATR_TRACE_FILE', /\(fix record\): run must be 1-200 characters/);
    await expectRefused(withFixes(fixRec({}, 'someone-else')), 'ATR_TRACE_FILE', /line 6: record of run someone-else, which the file does not declare$/);
    await expectRefused(withFixes(fixRec({ runId: B1 })), 'ATR_TRACE_FILE', /line 6: fix fix-0123abcd is filed under run run-root__b1__b2 but is about run run-root__b1$/);
    await expectRefused(withFixes(fixRec(), fixRec()), 'ATR_TRACE_FILE', /line 7: fix fix-0123abcd appears twice$/);
  });

  it('huge strings and too many parts are refused before anything is stored', async () => {
    await expectRefused(withFixes(fixRec({ error: 'x'.repeat(64 * 1024 + 1) })), 'ATR_TRACE_FILE', /\(fix record\): fix\.error String must contain at most 65536 character\(s\)$/);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, title: 't'.repeat(1001) }] })), 'ATR_TRACE_FILE', /fix\.candidates\.\[0\]\.title String must contain at most 1000/);
    const huge = 'y'.repeat(8 * 1024 * 1024 + 1);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, files: [{ ...candidate.files[0], after: huge }] }] })), 'ATR_TRACE_FILE', /fix\.candidates\.\[0\]\.files\.\[0\]\.after String must contain at most 8388608/);
    await expectRefused(withFixes(fixRec({ candidates: Array.from({ length: 51 }, (_, i) => ({ ...candidate, n: i + 1 })) })), 'ATR_TRACE_FILE', /fix\.candidates Array must contain at most 50 element\(s\)$/);
  });

  it('wrong shapes: unknown class or verdict, a control character in a title or path, a bad sha256, a missing field', async () => {
    await expectRefused(withFixes(fixRec({ failure: { class: 'gremlins', summary: 's', evidence: [], suspects: [] } })), 'ATR_TRACE_FILE', /fix\.failure\.class Invalid enum value/);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, verdict: 'trust me' }] })), 'ATR_TRACE_FILE', /fix\.candidates\.\[0\]\.verdict Invalid enum value/);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, title: 'ok\u001b]0;pwned\u0007' }] })), 'ATR_TRACE_FILE', /fix\.candidates\.\[0\]\.title contains control characters$/);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, files: [{ ...candidate.files[0], path: '/tmp/a\nb' }] }] })), 'ATR_TRACE_FILE', /files\.\[0\]\.path contains control characters$/);
    await expectRefused(withFixes(fixRec({ candidates: [{ ...candidate, files: [{ ...candidate.files[0], sha256: 'abc' }] }] })), 'ATR_TRACE_FILE', /files\.\[0\]\.sha256 must be a sha256 hex digest$/);
    await expectRefused(withFixes(fixRec({ candidates: undefined })), 'ATR_TRACE_FILE', /\(fix record\): fix\.candidates Required$/);
    await expectRefused(withFixes({ r: 'fix', run: B2, fix: 'not an object' }), 'ATR_TRACE_FILE', /\(fix record\): fix Expected object, received string$/);
  });

  it('a bad failure on a run record, and fix records out of place', async () => {
    await expectRefused(
      (f) => {
        const t = parts();
        (t.records.find((x) => x.r === 'run' && (x.run as { id: string }).id === B2) as Record<string, unknown>).failure = { class: 'bad_json', summary: 1, evidence: [], suspects: [] };
        writeRaw(f, t);
      },
      'ATR_TRACE_FILE',
      /\(run record\): failure\.summary Expected string, received number$/,
    );
    await expectRefused(
      (f) => {
        const t = parts();
        t.records.splice(t.records.length - 1, 0, fixRec());
        writeRaw(f, t);
      },
      'ATR_TRACE_FILE',
      /fix fix-0123abcd comes after keyframes or events \(fix records follow the run records\)$/,
    );
    await expectRefused(
      (f) => {
        const t = parts();
        t.records.splice(2, 0, fixRec({}, ROOT));
        writeRaw(f, t);
      },
      'ATR_TRACE_FILE',
      /line 4: fix records, keyframes and events must follow all run records$/,
    );
  });

  it('a __proto__ / constructor / prototype key anywhere in a fix report is refused; nothing is polluted', async () => {
    for (const [find, put, at] of [
      ['"fix":{', '"fix":{"__proto__":{"polluted":true},', 'fix.__proto__'],
      ['"score":{', '"score":{"constructor":{"prototype":{"polluted":true}},', 'fix.candidates[0].score.constructor'],
      ['"candidates":[{', '"candidates":[{"prototype":1,', 'fix.candidates[0].prototype'],
    ]) {
      await expectRefused(
        (f) => {
          withFixes(fixRec())(f);
          spliceLine(f, (r) => r.r === 'fix', find, put);
        },
        'ATR_TRACE_FILE',
        new RegExp(`^bad\\.agenttrace: line 6 \\("fix" record\\) has a key named "${at.replace(/.*[.\]]/, '')}" \\(at ${at.replace(/[[\]]/g, '\\$&')}\\); __proto__, constructor and prototype keys are refused$`),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Rewrites the first record matching `which`: the first `find` in its JSON text becomes `put` (JSON.stringify cannot write a "__proto__" key). */
function spliceLine(file: string, which: (r: Record<string, unknown>) => boolean, find: string, put: string): void {
  const raw = readRaw(file);
  const lines = raw.records.map((r) => JSON.stringify(r));
  const i = raw.records.findIndex(which);
  expect(lines[i]).toContain(find);
  lines[i] = lines[i].replace(find, put);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(JSON.stringify(raw.header) + '\n'), zlib.gzipSync(lines.join('\n') + '\n')]));
}

describe('hostile keys are refused, never followed', () => {
  it('a __proto__ / constructor / prototype key in any record type (or the header) is one clear error; nothing is polluted or stored', async () => {
    const cases: [string, (r: Record<string, unknown>) => boolean, string, string, string][] = [
      ['manifest', (r) => r.r === 'manifest', '{"r":"manifest",', '{"r":"manifest","__proto__":{"polluted":true},', '__proto__'],
      ['run', (r) => r.r === 'run', '"env":{}', '"env":{"constructor":{"prototype":{"polluted":true}}}', 'run.env.constructor'],
      ['run', (r) => r.r === 'run', '"run":{', '"run":{"prototype":{},', 'run.prototype'],
      ['kf', (r) => r.r === 'kf', '"data":{', '"data":{"__proto__":{"polluted":true},', 'data.__proto__'],
      ['ev', (r) => r.r === 'ev' && !r.batched, '"payload":{', '"payload":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},', 'payload.__proto__'],
      ['ev', (r) => r.r === 'ev' && !r.batched, '"payload":{', '"payload":{"list":[1,{"x":[{"prototype":2}]}],', 'payload.list[1].x[0].prototype'],
      ['blob', (r) => r.r === 'blob', '{"r":"blob",', '{"r":"blob","constructor":{},', 'constructor'],
      ['end', (r) => r.r === 'end', '{"r":"end",', '{"r":"end","__proto__":null,', '__proto__'],
    ];
    for (const [type, which, find, put, at] of cases) {
      const key = /(__proto__|constructor|prototype)$/.exec(at)?.[1] as string;
      const line = good.records.findIndex(which) + 2;
      await expectRefused(
        (f) => {
          writeRaw(f, parts());
          spliceLine(f, which, find, put);
        },
        'ATR_TRACE_FILE',
        new RegExp(`^bad\\.agenttrace: line ${line} \\("${type}" record\\) has a key named "${key}" \\(at ${at.replace(/[[\]]/g, '\\$&')}\\); __proto__, constructor and prototype keys are refused$`),
      );
    }
    await expectRefused(
      (f) => writeRaw(f, parts(), { headerText: JSON.stringify(good.header).replace('{', '{"__proto__":{"polluted":true},') }),
      'ATR_TRACE_FILE',
      /^bad\.agenttrace: the header has a key named "__proto__" \(at __proto__\); __proto__, constructor and prototype keys are refused$/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a file cannot make a run look like a partial copy through its warnings', async () => {
    const t = parts();
    runRec(t, ROOT).warnings = ['partial copy: only steps 0..2 of this run are stored (forged)', 'a real warning'];
    const file = path.join(dir, 'forged.agenttrace');
    writeRaw(file, t);
    const store = open();
    const res = await importTraceFile(store, file);
    expect(res.runs[0]).toEqual(expect.objectContaining({ id: ROOT, action: 'new' }));
    expect(res.runs[0].partialUpTo).toBeUndefined();
    expect(store.getRun(ROOT).warnings).toEqual(['a real warning']);
  });
});
