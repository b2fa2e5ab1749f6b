/**
 * Test fixture for the workbench API: a real store (SQLite file in a tmp home) holding a small recorded run with
 * every kind of thing the inspector shows (an LLM call with an inline request and a blob reply, tracked state with
 * a keyframe and deltas, a written file, batched values, console lines, a failed HTTP call), plus a branch forked
 * from it that owns only its events after the fork.
 */
import { createHash } from 'node:crypto';
import type { JournalLine } from '../../shared/trace/journal.js';
import type { Json } from '../../shared/trace/types.js';
import { openStore, type TraceStore } from '../store/store.js';
import { journal, meta, tmpHome } from '../store/testJournal.js';

export const ROOT_ID = 'wb-root';
export const BRANCH_ID = 'wb-root__b';
export const BRANCH_FORK = 8;
/** A branch of the branch, forked after the branch's own first event. */
export const NESTED_ID = 'wb-root__b__c';
export const REPLY_TEXT = 'Otters hold hands while they sleep.';
export const FILE_TEXT = 'hello file\n';

export function blobLine(bytes: Buffer): { line: JournalLine; hash: string; size: number } {
  const hash = createHash('sha256').update(bytes).digest('hex');
  return { line: { t: 'blob', hash, b64: bytes.toString('base64') }, hash, size: bytes.byteLength };
}

const ev = (seq: number, kind: string, payload: unknown, extra: { fp?: string; parent?: number } = {}): JournalLine => ({ t: 'ev', seq, kind, ts: 1_700_000_000_000 + seq * 10, payload, ...extra }) as JournalLine;

export function fixtureStore(): TraceStore {
  const store = openStore({ home: tmpHome('atr-wb-'), env: {} });
  const reply = blobLine(Buffer.from(JSON.stringify({ choices: [{ message: { role: 'assistant', content: REPLY_TEXT } }] })));
  const binary = blobLine(Buffer.from([0xff, 0xfe, 0x00, 0x81]));
  const file = blobLine(Buffer.from(FILE_TEXT));
  const request = { method: 'POST', url: 'http://127.0.0.1:9/v1/chat/completions', headers: { authorization: '***' }, body: { text: JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content: 'tell me about otters' }] }) } };
  const memory1: Json = { notes: ['a'], count: 1 };
  store.ingestor(ROOT_ID).ingestText(
    journal(
      { t: 'run', meta: meta(ROOT_ID, { name: 'demo', scriptSource: 'console.log(1)\n' }) },
      reply.line,
      binary.line,
      file.line,
      ev(0, 'step', { name: 'plan', durationMs: 3 }),
      ev(
        1,
        'llm',
        {
          layer: 'fetch',
          provider: 'openai',
          model: 'gpt-mock',
          stream: false,
          request,
          messages: [{ role: 'user', content: 'tell me about otters' }],
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: { blob: reply.hash, size: reply.size, encoding: 'utf8' } },
          reply: { role: 'assistant', content: REPLY_TEXT },
          usage: { promptTokens: 12, completionTokens: 8, totalTokens: 20 },
          durationMs: 40,
        },
        { fp: 'f'.repeat(64) },
      ),
      ev(2, 'state', { name: 'memory', ops: [{ op: 'set', path: [], value: memory1 }] }),
      { t: 'kf', keyframe: { seq: 2, tracked: { memory: memory1 }, globals: { mode: 'fast' }, frames: [{ functionName: 'main', url: 'file:///agent.mjs', line: 3, column: 1, locals: { topic: 'otters' } }], stack: [{ functionName: 'main', url: 'file:///agent.mjs', line: 3, column: 1 }], files: {}, cursors: {} } },
      ev(3, 'console', { stream: 'stdout', text: 'thinking\n' }),
      { t: 'batch', seq: 4, kind: 'random', source: 'Math.random', ts: 1_700_000_000_040, values: [0.1, 0.2, 0.3] },
      ev(7, 'fs', { op: 'writeFile', path: '/work/out.txt', size: file.size, content: { blob: file.hash, size: file.size, encoding: 'utf8' }, api: 'promise' }),
      ev(8, 'state', { name: 'memory', ops: [{ op: 'set', path: ['notes', 1], value: 'b' }, { op: 'set', path: ['count'], value: 2 }] }),
      ev(9, 'http', { layer: 'http', request: { method: 'GET', url: 'http://127.0.0.1:9/img', headers: {} }, response: { status: 500, headers: {}, body: { blob: binary.hash, size: binary.size, encoding: 'binary' } }, durationMs: 5 }),
      ev(10, 'console', { stream: 'stderr', text: 'done\n' }),
      ev(11, 'exit', { code: 0 }),
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 1_700_000_001_000, steps: 12 },
    ),
  );
  store.ingestor(BRANCH_ID).ingestText(
    journal(
      { t: 'run', meta: meta(BRANCH_ID, { name: 'b', parentId: ROOT_ID, forkSeq: BRANCH_FORK, mode: 'resume', startedAt: 1_700_000_005_000 }) },
      ev(9, 'console', { stream: 'stdout', text: 'branch says hi\n' }),
      ev(10, 'exit', { code: 0 }),
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 1_700_000_006_000, steps: 11 },
    ),
  );
  store.ingestor(NESTED_ID).ingestText(
    journal(
      { t: 'run', meta: meta(NESTED_ID, { name: 'c', parentId: BRANCH_ID, forkSeq: 9, mode: 'resume', startedAt: 1_700_000_007_000 }) },
      ev(10, 'console', { stream: 'stdout', text: 'nested\n' }),
      { t: 'end', status: 'failed', exit: { code: 1 }, endedAt: 1_700_000_008_000, steps: 11 },
    ),
  );
  return store;
}
