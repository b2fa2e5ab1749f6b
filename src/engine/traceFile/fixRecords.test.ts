/**
 * The AutoFix data of trace files (format v2) on real SQLite stores: a run's detected failure and the fix reports of
 * the exported runs round-trip exactly; the apply history (the user's file text) never leaves the store; partial
 * copies carry neither; imports keep what the store has (idempotent like runs); the secret scan covers failures and
 * reports; a v1 file (no AutoFix data) still loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Failure } from '../../shared/afe/types.js';
import { AtrError } from '../errors.js';
import { getFix, listFixes, saveFix } from '../store/fixStore.js';
import { getFailure } from '../store/failureStore.js';
import type { TraceStore } from '../store/store.js';
import { tmpHome } from '../store/testJournal.js';
import { dumpStore, execSql, queryValue } from '../store/testSql.js';
import { exportTrace } from './exportTrace.js';
import { importTraceFile } from './importTrace.js';
import { addAfe, APPLY_ONLY_TEXT, FAILURE_B2, fixReport } from '../../../test/helpers/fixRecordsFixture.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { B1, B2, ROOT, makeTree, readRaw, writeRaw } from './testTraceFiles.js';

const { open } = testStores();

function source(env: Record<string, string> = {}): { store: TraceStore; dir: string; afe: ReturnType<typeof addAfe> } {
  const store = open(tmpHome(), { env });
  makeTree(store);
  return { store, dir: tmpHome('atr-files-'), afe: addAfe(store) };
}

const failureOf = (store: TraceStore, id: string): Failure | undefined => getFailure(store, id);

describe('export -> import of failures and fix reports', () => {
  it('round-trips a failed run with its failure and two fix reports into a fresh store; no apply history travels', async () => {
    const { store, dir, afe } = source();
    const file = path.join(dir, 'tree.agenttrace');
    const res = await exportTrace(store, ROOT, { out: file, env: {} });
    expect(res.fixes).toBe(3);
    expect(res.runs.map((r) => [r.id, r.fixes])).toEqual([
      [ROOT, 1],
      [B1, 0],
      [B2, 2],
    ]);

    // The layout: the header says 2; failures ride on run records; fix records come after every run record and
    // before any keyframe or event.
    const raw = readRaw(file);
    expect(raw.header.version).toBe(2);
    const kinds = raw.records.map((r) => r.r);
    expect(kinds.slice(0, 7)).toEqual(['manifest', 'run', 'run', 'run', 'fix', 'fix', 'fix']);
    expect(kinds.slice(7).every((k) => k !== 'fix' && k !== 'run')).toBe(true);
    expect(raw.records.filter((r) => r.r === 'run').map((r) => r.failure)).toEqual([undefined, undefined, FAILURE_B2]);
    expect(raw.records.filter((r) => r.r === 'fix').map((r) => [r.run, (r.fix as { id: string }).id])).toEqual([
      [ROOT, afe.root.id],
      [B2, afe.b2[0].id],
      [B2, afe.b2[1].id],
    ]);
    // The apply history holds the user's file text from before an apply: it is not in the file, and neither is the
    // report's apply state (it describes this machine's files).
    const body = zlib.gunzipSync(fs.readFileSync(file).subarray(fs.readFileSync(file).indexOf(0x0a) + 1)).toString('utf8');
    expect(body).not.toContain(APPLY_ONLY_TEXT);
    expect(body).not.toContain('"applied"');

    const dest = open();
    const imp = await importTraceFile(dest, file);
    expect(imp).toMatchObject({ alreadyImported: false, fixesAdded: 3, fixesPresent: 0, failuresAdded: 1 });
    expect(failureOf(dest, B2)).toEqual(FAILURE_B2);
    expect(queryValue(dest, 'SELECT failure_class FROM runs WHERE id = ?', B2)).toBe('bad_json');
    expect(failureOf(dest, ROOT)).toBeUndefined();
    // An imported report is marked so: it is shown, never applied on this machine.
    for (const r of afe.b2) expect(getFix(dest, r.id)).toEqual({ ...r, importedAt: expect.any(Number) });
    const { applied: _applied, ...rootReport } = afe.root;
    expect(getFix(dest, afe.root.id)).toEqual({ ...rootReport, importedAt: expect.any(Number) });
    expect(listFixes(dest, { runId: B2 })).toEqual(listFixes(store, { runId: B2 }));
    expect(queryValue(dest, 'SELECT count(*) FROM fix_applies')).toBe(0);

    // Importing again changes nothing.
    const before = dumpStore(dest);
    const again = await importTraceFile(dest, file);
    expect(again).toMatchObject({ alreadyImported: true, fixesAdded: 0, fixesPresent: 3, failuresAdded: 0 });
    expect(dumpStore(dest)).toBe(before);
  });

  it('keeps what the store has: a fix id already present and a run failure already detected', async () => {
    const { store, dir, afe } = source();
    const file = path.join(dir, 'tree.agenttrace');
    await exportTrace(store, ROOT, { out: file, env: {} });

    const dest = open();
    makeTree(dest);
    const mine = fixReport(afe.b2[0].id, B2, { status: 'cancelled', candidates: [] });
    saveFix(dest, mine);
    const ownFailure: Failure = { ...FAILURE_B2, class: 'code_bug', summary: 'found here' };
    execSql(dest, 'UPDATE runs SET failure_class = ?, failure = ? WHERE id = ?', ownFailure.class, JSON.stringify(ownFailure), B2);

    const imp = await importTraceFile(dest, file);
    expect(imp).toMatchObject({ alreadyImported: false, fixesAdded: 2, fixesPresent: 1, failuresAdded: 0 });
    expect(imp.runs.map((r) => r.action)).toEqual(['same', 'same', 'same']);
    expect(getFix(dest, mine.id)).toEqual(mine);
    expect(getFix(dest, afe.b2[1].id)).toEqual({ ...afe.b2[1], importedAt: expect.any(Number) });
    expect(failureOf(dest, B2)).toEqual(ownFailure);
  });

  it('a partial copy carries no failure or fixes; completing it later keeps the failure it has', async () => {
    const { store, dir } = source();
    execSql(store, 'UPDATE runs SET failure_class = ?, failure = ? WHERE id = ?', 'unknown', JSON.stringify({ ...FAILURE_B2, class: 'unknown' }), ROOT);
    const only = path.join(dir, 'b2.agenttrace');
    const res = await exportTrace(store, B2, { out: only, only: true, env: {} });
    expect(res.runs.map((r) => [r.id, r.partialUpTo, r.fixes])).toEqual([
      [ROOT, 5, 0],
      [B1, 9, 0],
      [B2, undefined, 2],
    ]);
    expect(readRaw(only).records.filter((r) => r.r === 'run').map((r) => r.failure !== undefined)).toEqual([false, false, true]);

    const dest = open();
    await importTraceFile(dest, only);
    expect(failureOf(dest, ROOT)).toBeUndefined();
    const localFailure: Failure = { ...FAILURE_B2, class: 'loop', summary: 'detected on the partial copy' };
    execSql(dest, 'UPDATE runs SET failure_class = ?, failure = ? WHERE id = ?', localFailure.class, JSON.stringify(localFailure), ROOT);

    const full = path.join(dir, 'tree.agenttrace');
    await exportTrace(store, ROOT, { out: full, env: {} });
    const imp = await importTraceFile(dest, full);
    expect(imp.runs.find((r) => r.id === ROOT)?.action).toBe('completed');
    // Completing rewrites the run row: the failure the store had survives it.
    expect(failureOf(dest, ROOT)).toEqual(localFailure);
    expect(queryValue(dest, 'SELECT failure_class FROM runs WHERE id = ?', ROOT)).toBe('loop');
    expect(imp.fixesAdded).toBe(1);
  });

  it('the secret scan covers failures and fix reports, names where, and leaves no file', async () => {
    const secret = 'my-own-secret-value-42';
    for (const [plant, where] of [
      [(s: TraceStore) => saveFix(s, fixReport('fix-leaky00001', B2, { error: `401 with ${secret}` })), `run ${B2} fix report fix-leaky00001, field fix.error: the value of $SERVICE_API_KEY`],
      [
        (s: TraceStore) => execSql(s, 'UPDATE runs SET failure = ? WHERE id = ?', JSON.stringify({ ...FAILURE_B2, summary: `auth failed for ${secret}` }), B2),
        `run ${B2} failure, field failure.summary: the value of $SERVICE_API_KEY`,
      ],
    ] as const) {
      // The store is opened without the secret in its env, as if it leaked in before masking knew of it.
      const { store, dir } = source();
      plant(store);
      const err = await exportTrace(store, ROOT, { out: path.join(dir, 'x.agenttrace'), env: { SERVICE_API_KEY: secret } }).catch((e: unknown) => e);
      expect((err as AtrError).code).toBe('ATR_SECRET_FOUND');
      expect(((err as AtrError).data as { findings?: string[] }).findings).toEqual([where]);
      expect((err as AtrError).message).not.toContain(secret);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  });

  it('refuses to write a report the import would refuse, with a clear error and no file', async () => {
    const { store, dir } = source();
    saveFix(store, fixReport('fix-badtitle01', B1, { candidates: [{ ...fixReport('x', B1).candidates[0], title: 'red \u001b[31mtitle' }] }));
    const err = await exportTrace(store, ROOT, { out: path.join(dir, 'x.agenttrace'), env: {} }).catch((e: unknown) => e);
    expect((err as AtrError).code).toBe('ATR_TRACE_FILE');
    expect((err as AtrError).message).toBe(`run ${B1} cannot be exported: fix report fix-badtitle01: candidates.0.title contains control characters`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('version 1 files', () => {
  it('a v1 file (no failures, no fix records) loads as v2 and imports the same runs', async () => {
    const { store, dir } = source();
    const v2 = path.join(dir, 'v2.agenttrace');
    await exportTrace(store, ROOT, { out: v2, env: {} });
    const raw = readRaw(v2);
    const v1 = path.join(dir, 'v1.agenttrace');
    const records = raw.records.filter((r) => r.r !== 'fix').map(({ failure: _failure, ...r }) => r);
    writeRaw(v1, { header: { ...raw.header, version: 1 }, records });

    const fromV1 = open();
    const imp = await importTraceFile(fromV1, v1);
    expect(imp).toMatchObject({ fixesAdded: 0, failuresAdded: 0 });
    expect(imp.runs.map((r) => [r.id, r.action])).toEqual([
      [ROOT, 'new'],
      [B1, 'new'],
      [B2, 'new'],
    ]);
    // A v1 file carries no failure: the run's class is detected here, from its events (it exited with code 2).
    expect(failureOf(fromV1, B2)).toMatchObject({ class: 'unknown', summary: expect.stringContaining('exit code 2') });
    execSql(fromV1, 'UPDATE runs SET failure = NULL, failure_class = NULL');
    // The same runs as the v2 file gives, without the AutoFix data.
    const fromV2 = open();
    await importTraceFile(fromV2, v2);
    execSql(fromV2, 'DELETE FROM fixes');
    execSql(fromV2, 'UPDATE runs SET failure = NULL, failure_class = NULL');
    expect(dumpStore(fromV1)).toBe(dumpStore(fromV2));
  });
});
