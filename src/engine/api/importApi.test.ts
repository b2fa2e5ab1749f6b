/** Import through the contract (client → in-memory transport → dispatcher → importApi → trace-file engine → store). */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { MAX_UPLOAD_BYTES } from '../../shared/rpc/limits.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import { openStore, type TraceStore } from '../store/store.js';
import { removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { createDispatcher } from './dispatcher.js';
import { createWorkbenchApi } from './workbenchApi.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/traceFiles');
const GOLDEN = path.join(FIXTURES, 'chain.v1.agenttrace');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'chain.v1.expected.json'), 'utf8')) as { files: Record<string, { focus: string; runs: Record<string, unknown> }> };

let store: TraceStore;
let api: WorkbenchApi;
let home: string;

beforeAll(() => {
  home = tmpHome('atr-import-api-');
  store = openStore({ home });
  api = createClient(memoryTransport(createDispatcher(createWorkbenchApi(store, { import: { sampleFile: GOLDEN } }))));
});
afterAll(() => {
  store.close();
  removeTmpHomes();
});

describe('import methods of the contract', () => {
  it('importTraceFiles: a good file imports, a bad one is reported by name with the reason, in drop order', async () => {
    const bad = path.join(home, 'broken.agenttrace');
    fs.writeFileSync(bad, 'this is not a trace file\n');
    const { outcomes } = await api.importTraceFiles({ paths: [bad, GOLDEN] });
    expect(outcomes.map((o) => [o.file, o.ok])).toEqual([
      ['broken.agenttrace', false],
      ['chain.v1.agenttrace', true],
    ]);
    const [b, g] = outcomes;
    if (b?.ok !== false || g?.ok !== true) throw new Error('unexpected outcomes');
    expect(b.code).toBe('ATR_TRACE_FILE');
    expect(b.message).toContain('broken.agenttrace');
    const want = expected.files['chain.v1.agenttrace'];
    expect(g.focus).toBe(want?.focus);
    expect(g.runIds.sort()).toEqual(Object.keys(want?.runs ?? {}).sort());
    expect((await api.getRun({ runId: g.focus })).id).toBe(g.focus);
  });

  it('uploadTraceFile: bytes through the contract; a second import of the same file changes nothing', async () => {
    const r = await api.uploadTraceFile({ name: 'dir/chain.v1.agenttrace', dataB64: fs.readFileSync(GOLDEN).toString('base64') });
    expect(r).toMatchObject({ file: 'chain.v1.agenttrace', ok: true, alreadyImported: true });
  });

  it('uploadTraceFile: a truncated file fails with its name and leaves the store as it was', async () => {
    const before = (await api.listRuns({})).total;
    const bytes = fs.readFileSync(GOLDEN);
    const r = await api.uploadTraceFile({ name: 'cut.agenttrace', dataB64: bytes.subarray(0, Math.floor(bytes.length / 2)).toString('base64') });
    expect(r.ok).toBe(false);
    expect(r.file).toBe('cut.agenttrace');
    expect((await api.listRuns({})).total).toBe(before);
  });

  it('uploadTraceFile: refuses a body over the upload limit at the edge', async () => {
    await expect(api.uploadTraceFile({ name: 'big.agenttrace', dataB64: 'A'.repeat(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 8) })).rejects.toMatchObject({ code: 'ATR_BAD_PARAMS' });
  });

  it('importSample: imports the configured sample; a missing sample is a clear failure', async () => {
    expect(await api.importSample({})).toMatchObject({ ok: true, file: 'sample.agenttrace' });
    const other = createClient(memoryTransport(createDispatcher(createWorkbenchApi(store, { import: { sampleFile: path.join(home, 'nope.agenttrace') } }))));
    const r = await other.importSample({});
    expect(r).toMatchObject({ ok: false, code: 'ATR_NOT_FOUND' });
    if (!r.ok) expect(r.message).toContain('nope.agenttrace');
  });
});
