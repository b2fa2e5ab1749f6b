/**
 * Test helpers for trace files: a run tree ingested from crafted journals (root, a branch, a branch of the branch,
 * with batched values straddling the fork, blobs and keyframes), raw trace files for the bad-file cases, and a dump
 * of every store table (to prove a failed import left the store untouched).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import type { JournalLine } from '../../shared/trace/journal.js';
import type { TraceStore } from '../store/store.js';
import { f64, meta } from '../store/testJournal.js';

export const ROOT = 'run-root';
export const B1 = 'run-root__b1';
export const B2 = 'run-root__b1__b2';

export const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const BODY = Buffer.from('{"messages":[{"role":"user","content":"a long prompt"}]}');
export const FILE = Buffer.from('notes written by the agent\n');

/** The root's journal up to (and including) seq 9; branches replay the same prefix. */
function prefix(reply: string): JournalLine[] {
  return [
    { t: 'ev', seq: 0, kind: 'step', ts: 1000, payload: { name: 'start', input: { n: 1 } } },
    { t: 'batch', seq: 1, kind: 'random', source: 'Math.random', ts: 1001, values: [0.25, 0.5] },
    { t: 'batch', seq: 3, kind: 'time', source: 'Date.now', ts: 1002, values: [], f64: f64([3, 4, 5, 6, 7, 8]) },
    { t: 'blob', hash: sha(BODY), b64: BODY.toString('base64') },
    {
      t: 'ev',
      seq: 9,
      kind: 'llm',
      ts: 1003,
      fp: 'f'.repeat(64),
      payload: {
        layer: 'fetch',
        provider: 'openai',
        model: 'gpt-mock',
        stream: false,
        request: { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions', headers: {}, body: { blob: sha(BODY), size: BODY.byteLength, encoding: 'utf8' } },
        response: { status: 200, headers: {}, body: { text: reply } },
        reply: { role: 'assistant', content: reply },
        usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 },
      },
    },
    { t: 'kf', keyframe: { seq: 9, tracked: { memory: { notes: ['a'] } }, globals: {}, frames: [], stack: [], files: {}, cursors: { 'Math.random': 2 } } },
  ];
}

/** Ingests root (ok, 13 steps), B1 forked at 5 (ok) and B2 forked from B1 at 9. */
export function makeTree(store: TraceStore): void {
  store.ingestor(ROOT).ingestLines([
    { t: 'run', meta: meta(ROOT, { name: 'root' }) },
    ...prefix('hello'),
    { t: 'blob', hash: sha(FILE), b64: FILE.toString('base64') },
    { t: 'ev', seq: 10, kind: 'fs', ts: 1004, payload: { op: 'writeFile', path: '/tmp/notes.txt', api: 'sync', size: FILE.byteLength, content: { blob: sha(FILE), size: FILE.byteLength, encoding: 'utf8' } } },
    { t: 'ev', seq: 11, kind: 'state', ts: 1005, payload: { name: 'memory', ops: [{ op: 'set', path: ['notes', 1], value: 'b' }] } },
    { t: 'ev', seq: 12, kind: 'console', ts: 1006, payload: { stream: 'stdout', text: 'done hello\n' } },
    { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2000, steps: 13 },
  ]);
  store.ingestor(B1).ingestLines([
    { t: 'run', meta: meta(B1, { name: 'b1', parentId: ROOT, forkSeq: 5, mode: 'resume', startedAt: 1_700_000_001_000 }) },
    ...prefix('branch reply'),
    { t: 'ev', seq: 10, kind: 'console', ts: 1010, payload: { stream: 'stdout', text: 'done branch\n' } },
    { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 3000, steps: 11 },
  ]);
  store.ingestor(B2).ingestLines([
    { t: 'run', meta: meta(B2, { name: 'b2', parentId: B1, forkSeq: 9, mode: 'resume', startedAt: 1_700_000_002_000 }) },
    { t: 'ev', seq: 10, kind: 'console', ts: 1020, payload: { stream: 'stdout', text: 'done b2\n' } },
    { t: 'end', status: 'failed', exit: { code: 2 }, endedAt: 4000, steps: 11 },
  ]);
}

export interface RawTraceFile {
  header: Record<string, unknown>;
  records: Record<string, unknown>[];
}

/** Reads a trace file written by export (header + body records). */
export function readRaw(file: string): RawTraceFile {
  const buf = fs.readFileSync(file);
  const nl = buf.indexOf(0x0a);
  const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
  const body = zlib.gunzipSync(buf.subarray(nl + 1)).toString('utf8');
  const records = body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { header, records };
}

/**
 * Writes a trace file from parts. Records may be objects or raw line text; the end record is recounted unless
 * `keepEnd`. `body` replaces the gzip body bytes entirely.
 */
export function writeRaw(file: string, t: RawTraceFile, opts: { keepEnd?: boolean; body?: Buffer; headerText?: string } = {}): void {
  let lines = t.records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
  if (!opts.keepEnd) {
    lines = t.records.filter((r) => typeof r === 'string' || r.r !== 'end').map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
    lines.push(JSON.stringify({ r: 'end', records: lines.length }));
  }
  const body = opts.body ?? zlib.gzipSync(Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8'));
  fs.writeFileSync(file, Buffer.concat([Buffer.from((opts.headerText ?? JSON.stringify(t.header)) + '\n'), body]));
}
