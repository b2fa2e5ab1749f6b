/**
 * The golden v2 trace file (made by scripts/makeTraceFixturesV2.mjs: the golden v1 recording plus a detected failure
 * and two fix reports on its edited branch) through the real binary: it imports into an empty store with its runs as
 * recorded, `fix show` gives each report exactly, `fix list` lists them, the failure is stored with its run, and a
 * second import changes nothing. This file is frozen: a future format version must keep loading it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Failure, FixReport } from '../../src/shared/afe/types.js';
import { getFailure } from '../../src/engine/store/failureStore.js';
import { openStore } from '../../src/engine/store/store.js';
import { SecretSet, maskJson } from '../../src/shared/trace/redact.js';
import type { StoredRun } from '../../src/engine/store/storeTypes.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { REPO, cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);

const FIX = path.join(REPO, 'test', 'fixtures', 'traceFiles');
const FILE = path.join(FIX, 'chain.v2.agenttrace');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'chain.v2.expected.json'), 'utf8')) as {
  focus: string;
  root: string;
  runs: string[];
  failures: Record<string, Failure>;
  fixes: FixReport[];
};
const v1 = JSON.parse(fs.readFileSync(path.join(FIX, 'chain.v1.expected.json'), 'utf8')) as {
  runs: Record<string, { run: StoredRun; events: [number, string, string][] }>;
};
const digests = (events: TraceEvent[]): [number, string, string][] => events.map((e) => [e.seq, e.kind, createHash('sha256').update(JSON.stringify(e)).digest('hex').slice(0, 16)]);

describe('golden fixture chain.v2.agenttrace', () => {
  it('imports into an empty store: the recorded runs, the failure with its run, every fix report exactly', async () => {
    const head = fs.readFileSync(FILE).subarray(0, 200).toString('latin1');
    expect(head).toMatch(/^\{"magic":"agenttrace","version":2,/);
    const home = tmpHome();
    const imp = await runCli(['import', FILE], { home });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(new RegExp(`^Imported .*chain\\.v2\\.agenttrace: 3 runs, \\d+ events, \\d+ new blobs?; root ${expected.root}\\n  with 2 fix reports\\n$`));

    // The runs are the recording's (the same as the v1 fixture's).
    for (const id of expected.runs) {
      const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', id, '--json'], { home });
      const want = v1.runs[id];
      const run = Object.fromEntries(Object.entries(shown.run).filter(([k]) => k in want.run));
      expect(run, id).toEqual(want.run);
      expect(digests(shown.events), id).toEqual(want.events);
    }

    for (const report of expected.fixes) // Stored as imported: masked like everything that reaches the store (the script's literal key included) and marked.
      expect(await cliJson<FixReport>(['fix', 'show', report.id, '--json'], { home })).toEqual({ ...maskJson(report, new SecretSet()), importedAt: expect.any(Number) });
    const list = await cliJson<{ id: string; runId: string; status: string; failureClass?: string; bestVerdict?: string }[]>(['fix', 'list', '--json'], { home });
    expect(list.map((x) => [x.id, x.runId, x.status, x.failureClass, x.bestVerdict])).toEqual(
      [...expected.fixes].reverse().map((r) => [r.id, r.runId, r.status, r.failure?.class, r.candidates[0]?.verdict]),
    );

    const store = openStore({ home, env: {} });
    try {
      for (const id of expected.runs) {
        expect(getFailure(store, id), id).toEqual(expected.failures[id]);
      }
    } finally {
      store.close();
    }

    const again = await cliJson<{ ok: boolean; alreadyImported: boolean; fixesPresent: number }[]>(['import', FILE, '--json'], { home });
    expect(again.map((x) => [x.ok, x.alreadyImported, x.fixesPresent])).toEqual([[true, true, 2]]);
  });
});
