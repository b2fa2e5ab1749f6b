/**
 * Blobs at rest: a compressible blob of 1 KB and more is stored compressed (deflated; from 16 KB as deflated chunks,
 * chunkStore.test.ts) and read back byte for byte, through the store's ingest and through a trace file export ->
 * import; small and incompressible blobs, and rows stored before compression existed, are kept and read as they are;
 * a row that cannot be a blob is an error, not wrong bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '../traceFile/exportTrace.js';
import { importTraceFile } from '../traceFile/importTrace.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { BLOB_COMPRESS_MIN_BYTES, decodeBlob, encodeBlob } from './blobCodec.js';
import { dbOf } from './handle.js';
import type { TraceStore } from './store.js';
import { journal, meta, tmpHome } from './testJournal.js';

const { open } = testStores();

/** A chat request body of about `bytes` of varied text (numbers and words), like a long conversation's. */
function chatBody(bytes: number): Buffer {
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += ` row=${(i * 7919) % 100003} status=${i % 3 ? 'ok' : 'retry'}`;
  return Buffer.from(JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: text }] }));
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function storedRow(store: TraceStore, hash: string): { size: number; stored: number } {
  return dbOf(store).prepare('SELECT size, length(data) AS stored FROM blobs WHERE hash = ?').get(hash) as { size: number; stored: number };
}

function ingestBlob(store: TraceStore, runId: string, data: Buffer): string {
  const hash = sha(data);
  store.ingestor(runId).ingestText(journal({ t: 'run', meta: meta(runId) }, { t: 'blob', hash, b64: data.toString('base64') }, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2, steps: 0 }));
  return hash;
}

describe('blob codec', () => {
  it('deflates compressible blobs of 1 KB and more and restores them exactly', () => {
    const body = chatBody(90_000);
    const z = encodeBlob(body);
    expect(z.byteLength).toBeLessThan(body.byteLength / 2);
    expect(decodeBlob(z, body.byteLength).equals(body)).toBe(true);
  });

  it('keeps small and incompressible blobs as they are', () => {
    const small = Buffer.from('x'.repeat(BLOB_COMPRESS_MIN_BYTES - 1));
    const noise = randomBytes(8192);
    expect(encodeBlob(small)).toBe(small);
    expect(encodeBlob(noise)).toBe(noise);
    expect(decodeBlob(noise, noise.byteLength)).toBe(noise);
  });

  it('refuses a row that cannot be the blob of its size', () => {
    const body = chatBody(4096);
    expect(() => decodeBlob(Buffer.concat([body, Buffer.from('!')]), body.byteLength)).toThrow(/longer/);
    expect(() => decodeBlob(encodeBlob(body), body.byteLength + 1)).toThrow(/inflates to/);
    expect(() => decodeBlob(Buffer.from('not deflate data at all'), 4096)).toThrow();
  });
});

describe('blobs in the store', () => {
  it('stores a large body compressed at ingest and reads it back byte for byte', () => {
    const store = open();
    const body = chatBody(100_000);
    const hash = ingestBlob(store, 'r1', body);
    const row = storedRow(store, hash);
    expect(row.size).toBe(body.byteLength);
    expect(row.stored).toBeLessThan(body.byteLength / 2);
    expect(store.getBlob(hash)?.equals(body)).toBe(true);
  });

  it('reads a blob stored before compression existed (data as long as its size)', () => {
    const store = open();
    const body = chatBody(5000);
    const hash = sha(body);
    dbOf(store).prepare('INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?)').run(hash, body.byteLength, body);
    expect(store.getBlob(hash)?.equals(body)).toBe(true);
    // Ingesting the same blob again leaves the stored row as it was (content-addressed: already there).
    ingestBlob(store, 'r2', body);
    expect(storedRow(store, hash).stored).toBe(body.byteLength);
  });

  it('round-trips through a trace file: exported as the blob itself, stored compressed by the import', async () => {
    const src = open();
    const body = chatBody(80_000);
    const hash = sha(body);
    src.ingestor('r3').ingestText(
      journal(
        { t: 'run', meta: meta('r3') },
        { t: 'blob', hash, b64: body.toString('base64') },
        { t: 'ev', seq: 0, kind: 'llm', ts: 1, payload: { layer: 'fetch', request: { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions', headers: {}, body: { blob: hash, size: body.byteLength, encoding: 'utf8' } } } },
        { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2, steps: 1 },
      ),
    );
    const file = path.join(tmpHome('atr-blobs-'), 'r3.agenttrace');
    const exported = await exportTrace(src, 'r3', { out: file, env: {} });
    expect(exported.blobs).toBe(1);
    const dest = open();
    const imp = await importTraceFile(dest, file);
    expect(imp.blobsAdded).toBe(1);
    expect(dest.getBlob(hash)?.equals(body)).toBe(true);
    expect(storedRow(dest, hash).stored).toBeLessThan(body.byteLength / 2);
  });
});
