/**
 * Export and import in process, on real SQLite stores: a run tree round-trips exactly (rows, state, replay tapes);
 * `--only` carries partial ancestors so a branch replays alone; importing twice changes nothing; a partial copy is
 * completed by the full file; a different run under the same id is a conflict; masked blobs are re-keyed; the
 * secret scan refuses; an existing file is not overwritten; an old format goes through the modernizer chain.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tapeFromStore } from '../replay/tapeFromStore.js';
import { insertBranch, setOverride } from '../store/branchStore.js';
import type { TraceStore } from '../store/store.js';
import { meta, tmpHome } from '../store/testJournal.js';
import { AtrError } from '../errors.js';
import { exportTrace, defaultExportName } from './exportTrace.js';
import { importTraceFile } from './importTrace.js';
import { TRACE_FILE_CHAIN, TRACE_FILE_VERSION } from './format.js';
import type { Modernizer } from './modernize.js';
import { dumpStore, execSql, queryValue } from '../store/testSql.js';
import { B1, B2, FILE, ROOT, makeTree, readRaw, sha, writeRaw } from './testTraceFiles.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open } = testStores();

function source(): { store: TraceStore; dir: string } {
  const store = open();
  makeTree(store);
  return { store, dir: tmpHome('atr-files-') };
}

/** What a run looks like through the store's public API (hostPid is the recording host's and is not exported). */
function view(store: TraceStore, id: string) {
  const { hostPid: _hostPid, ...run } = store.getRun(id);
  return { run, events: store.getEvents(id), keyframes: store.keyframeSeqs(id).map((s) => store.getKeyframe(id, s)), states: [0, 5, 9, 10, 11, 12].map((s) => store.stateAt(id, s)) };
}

describe('export -> import', () => {
  it('round-trips a run tree exactly: runs, events (batches too), keyframes, state, blobs and replay tapes', async () => {
    const { store, dir } = source();
    const file = path.join(dir, 'tree.agenttrace');
    const res = await exportTrace(store, ROOT, { out: file, env: {} });
    expect(res.runs.map((r) => [r.id, r.partialUpTo])).toEqual([
      [ROOT, undefined],
      [B1, undefined],
      [B2, undefined],
    ]);
    expect(res.blobs).toBe(2);

    const dest = open();
    const imp = await importTraceFile(dest, file);
    expect(imp).toMatchObject({ focus: ROOT, root: ROOT, alreadyImported: false, blobsAdded: 2 });
    expect(imp.runs.map((r) => r.action)).toEqual(['new', 'new', 'new']);
    for (const id of [ROOT, B1, B2]) {
      expect(view(dest, id), id).toEqual(view(store, id));
      expect(tapeFromStore(dest, id), id).toEqual(tapeFromStore(store, id));
    }
    expect(dest.getBlob(sha(FILE))).toEqual(FILE);
    // Batches stay batched (compact): one row for the six time values.
    expect(queryValue(dest, "SELECT count(*) FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = ?) AND kind = 'time'", ROOT)).toBe(1);
  });

  it('--only of a branch carries its ancestors up to the fork, so it replays on its own', async () => {
    const { store, dir } = source();
    const file = path.join(dir, 'b2.agenttrace');
    const res = await exportTrace(store, B2, { out: file, only: true, env: {} });
    expect(res.runs.map((r) => [r.id, r.partialUpTo])).toEqual([
      [ROOT, 5],
      [B1, 9],
      [B2, undefined],
    ]);
    expect(res.blobs).toBe(1); // the root's file blob lies after the fork

    const dest = open();
    const imp = await importTraceFile(dest, file);
    expect(imp.focus).toBe(B2);
    expect(tapeFromStore(dest, B2)).toEqual(tapeFromStore(store, B2));
    // The batch straddling the fork is cut at it; the partial copy says so.
    expect(dest.getEvents(ROOT).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(dest.getRun(ROOT).warnings.join('\n')).toMatch(/partial copy: only steps 0\.\.5 /);
    expect(dest.getEvents(B1).map((e) => e.seq)).toEqual([6, 7, 8, 9]);

    // Exporting it again from the partial store keeps it partial.
    const again = await exportTrace(dest, B2, { out: path.join(dir, 'b2-again.agenttrace'), only: true, env: {} });
    expect(again.runs.map((r) => r.partialUpTo)).toEqual([5, 9, undefined]);
  });

  it('importing the same file twice changes nothing; a partial copy is completed by the full file', async () => {
    const { store, dir } = source();
    const full = path.join(dir, 'full.agenttrace');
    const only = path.join(dir, 'only.agenttrace');
    await exportTrace(store, ROOT, { out: full, env: {} });
    await exportTrace(store, B2, { out: only, only: true, env: {} });

    const dest = open();
    await importTraceFile(dest, only);
    const afterOnly = dumpStore(dest);
    const twice = await importTraceFile(dest, only);
    expect(twice.alreadyImported).toBe(true);
    expect(twice.runs.map((r) => [r.action, r.partialUpTo])).toEqual([
      ['same', 5],
      ['same', 9],
      ['same', undefined],
    ]);
    expect(dumpStore(dest)).toBe(afterOnly);

    const completed = await importTraceFile(dest, full);
    expect(completed.runs.map((r) => r.action)).toEqual(['completed', 'completed', 'same']);
    const direct = open();
    await importTraceFile(direct, full);
    expect(dumpStore(dest)).toBe(dumpStore(direct));
    // The partial file against a store holding the full runs: already imported.
    expect((await importTraceFile(dest, only)).alreadyImported).toBe(true);
    expect((await importTraceFile(store, full)).alreadyImported).toBe(true);
  });

  it('a branch that has not run yet travels with its edits', async () => {
    const { store, dir } = source();
    expect(insertBranch(store, { id: `${ROOT}__edit`, name: 'edit', parent: store.getRun(ROOT), forkSeq: 8 })).toBe(true);
    setOverride(store, `${ROOT}__edit`, 9, { type: 'reply', reply: { role: 'assistant', content: 'edited' } });
    const file = path.join(dir, 'pending.agenttrace');
    const res = await exportTrace(store, `${ROOT}__edit`, { out: file, env: {} });
    expect(res.runs.map((r) => [r.id, r.partialUpTo])).toEqual([
      [ROOT, 8],
      [`${ROOT}__edit`, undefined],
    ]);
    const dest = open();
    await importTraceFile(dest, file);
    expect(view(dest, `${ROOT}__edit`)).toEqual(view(store, `${ROOT}__edit`));
    expect(dest.getRun(`${ROOT}__edit`)).toMatchObject({ status: 'pending', overrides: { '9': { type: 'reply', reply: { content: 'edited' } } } });
  });

  it('a different run under an existing id is a conflict, and the store is untouched', async () => {
    const { store, dir } = source();
    const file = path.join(dir, 'tree.agenttrace');
    await exportTrace(store, ROOT, { out: file, env: {} });
    const other = open();
    other.ingestor(ROOT).ingestLines([
      { t: 'run', meta: meta(ROOT, { name: 'root' }) },
      { t: 'ev', seq: 0, kind: 'step', ts: 1000, payload: { name: 'something else' } },
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2000, steps: 13 },
    ]);
    const before = dumpStore(other);
    const err = await importTraceFile(other, file, { display: 'tree.agenttrace' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtrError);
    expect((err as AtrError).code).toBe('ATR_IMPORT_CONFLICT');
    expect((err as AtrError).message).toMatch(/^tree\.agenttrace: run run-root already exists in the store with different content \(its llmCalls, usage differ\)$/);
    expect(dumpStore(other)).toBe(before);
  });

  it('re-keys a blob the store masked after hashing, so every blob in the file verifies', async () => {
    const { store, dir } = source();
    const masked = Buffer.from('notes written by the *** agent\n');
    execSql(store, 'UPDATE blobs SET data = ?, size = ? WHERE hash = ?', masked, masked.byteLength, sha(FILE));
    const file = path.join(dir, 'masked.agenttrace');
    await exportTrace(store, ROOT, { out: file, env: {} });
    const dest = open();
    await importTraceFile(dest, file);
    const fsEvent = dest.getEvent(ROOT, 10)?.payload as { content: { blob: string } };
    expect(fsEvent.content.blob).toBe(sha(masked));
    expect(dest.getBlob(sha(masked))).toEqual(masked);
    expect(dest.getBlob(sha(FILE))).toBeUndefined();
    // The source store compares equal to its own export (the same re-keying is applied when comparing).
    expect((await importTraceFile(store, file)).alreadyImported).toBe(true);
  });
});

describe('export safety', () => {
  it('refuses to export a secret that reached the store, leaves no file behind, and names where it is', async () => {
    const { store, dir } = source();
    execSql(
      store,
      'INSERT INTO events (run_key, seq, end_seq, batched, kind, ts, payload) VALUES ((SELECT key FROM run_keys WHERE id = ?), 13, 13, 0, ?, 1, ?)',
      B1,
      'console',
      JSON.stringify({ stream: 'stdout', text: 'key=sk-live-ABCDEFGH12345678 and my-own-secret-value-42' }),
    );
    const file = path.join(dir, 'leak.agenttrace');
    const err = await exportTrace(store, ROOT, { out: file, display: 'leak.agenttrace', env: { MY_SERVICE_TOKEN: 'my-own-secret-value-42' } }).catch((e: unknown) => e);
    expect((err as AtrError).code).toBe('ATR_SECRET_FOUND');
    const msg = (err as AtrError).message;
    expect(msg).toMatch(/^export refused, leak\.agenttrace would contain 2 secrets: /);
    expect(msg).toContain('run run-root__b1 event 13, field payload.text: a token shaped like sk-l…');
    expect(msg).toContain('run run-root__b1 event 13, field payload.text: the value of $MY_SERVICE_TOKEN');
    expect(msg).not.toContain('ABCDEFGH12345678');
    expect(msg).not.toContain('my-own-secret-value-42');
    expect(fs.readdirSync(dir)).toEqual([]);
    // B2 alone carries B1 only up to its fork at 9, without event 13: that export is clean.
    await exportTrace(store, B2, { out: file, only: true, env: { MY_SERVICE_TOKEN: 'my-own-secret-value-42' } });
    expect(fs.existsSync(file)).toBe(true);
  });

  it('refuses to write what the import would refuse (a name with a path separator), with a clear error', async () => {
    const { store, dir } = source();
    execSql(store, 'UPDATE runs SET name = ? WHERE id = ?', 'a/b', B1);
    const err = await exportTrace(store, ROOT, { out: path.join(dir, 'x.agenttrace'), env: {} }).catch((e: unknown) => e);
    expect((err as AtrError).code).toBe('ATR_TRACE_FILE');
    expect((err as AtrError).message).toBe('run run-root__b1 cannot be exported: its metadata: name contains a path separator');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('never overwrites an existing file without force', async () => {
    const { store, dir } = source();
    const file = path.join(dir, defaultExportName(ROOT));
    expect(path.basename(file)).toBe('run-root.agenttrace');
    expect(defaultExportName('3f2a1b2c-aaaa-bbbb__step-4')).toBe('3f2a1b2c__step-4.agenttrace');
    fs.writeFileSync(file, 'precious');
    const err = await exportTrace(store, ROOT, { out: file, env: {} }).catch((e: unknown) => e);
    expect((err as AtrError).code).toBe('ATR_BAD_ARGS');
    expect((err as AtrError).message).toMatch(/already exists$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
    await exportTrace(store, ROOT, { out: file, force: true, env: {} });
    expect(readRaw(file).header).toMatchObject({ magic: 'agenttrace', version: TRACE_FILE_VERSION });
    expect(fs.readdirSync(dir)).toEqual(['run-root.agenttrace']);
  });
});

describe('format versions', () => {
  it('a synthetic older "v0" file goes through a modernizer step (then the real ones) and imports like the current file', async () => {
    const { store, dir } = source();
    const current = path.join(dir, 'current.agenttrace');
    await exportTrace(store, ROOT, { out: current, env: {} });
    // v0 (made up for this test): records are tagged `type` instead of `r`, and blobs carry hex instead of base64.
    const raw = readRaw(current);
    const v0 = path.join(dir, 'v0.agenttrace');
    const toV0 = raw.records.map(({ r, ...rest }) => (r === 'blob' ? { type: r, hash: rest.hash, hex: Buffer.from(rest.b64 as string, 'base64').toString('hex') } : { type: r, ...rest }));
    writeRaw(v0, { header: { ...raw.header, version: 0 }, records: toV0 }, { keepEnd: true });
    const modernize_0_to_1: Modernizer = {
      from: 0,
      header: (h) => ({ ...h, version: 1 }),
      record: ({ type, hex, ...rest }) => [type === 'blob' ? { r: type, ...rest, b64: Buffer.from(hex as string, 'hex').toString('base64') } : { r: type, ...rest }],
    };
    const chain = { first: 0, steps: [modernize_0_to_1, ...TRACE_FILE_CHAIN.steps] };

    const fromV0 = open();
    await importTraceFile(fromV0, v0, { chain });
    const fromCurrent = open();
    await importTraceFile(fromCurrent, current, { chain });
    expect(dumpStore(fromV0)).toBe(dumpStore(fromCurrent));
    // Without the step, v0 is older than anything this build reads.
    const err = await importTraceFile(open(), v0, { display: 'v0.agenttrace' }).catch((e: unknown) => e);
    expect((err as AtrError).code).toBe('ATR_TRACE_VERSION');
    expect((err as AtrError).message).toBe(`v0.agenttrace: trace format 0 is older than any this AgentTrace reads (formats 1..${TRACE_FILE_VERSION})`);
  });
});
