/**
 * Event rows held per ingest chunk (chunkRows.ts), in a real SQLite store: a patch in its event's chunk is merged
 * before the row is written, one further away than the rows held is merged into the written row, and every row of a
 * chunk lands whatever its place in the 32-row inserts.
 */
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { dbOf } from './handle.js';
import type { TraceStore } from './store.js';
import { journal, meta } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open } = testStores('atr-chunk-');

const request = { method: 'POST', url: 'http://127.0.0.1/v1/chat/completions', headers: {}, body: { text: '{"q":1}' } };
const response = { status: 200, headers: {}, body: { text: '{"choices":[]}' } };
const llm = (seq: number): JournalLine => ({ t: 'ev', seq, kind: 'llm', ts: seq, fp: 'a'.repeat(64), payload: { layer: 'fetch', provider: 'openai', stream: false, model: 'm', request } });
const patch = (seq: number, tokens: number): JournalLine => ({ t: 'patch', seq, payload: { response, usage: { promptTokens: tokens, completionTokens: 1, totalTokens: tokens + 1 }, durationMs: 3 } });
const line = (seq: number): JournalLine => ({ t: 'ev', seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `line ${seq}\n` } });
const pending = (s: TraceStore): number => dbOf(s).prepare('SELECT count(*) FROM search_pending').pluck().get() as number;

describe('chunk rows', () => {
  it('a patch in the chunk of its event: the event is written once, complete, and counts in the usage totals', () => {
    const s = open();
    s.ingestor('r').ingestText(journal({ t: 'run', meta: meta('r') }, llm(0), line(1), patch(0, 7)));
    expect(s.getEvent('r', 0)?.payload).toEqual({ layer: 'fetch', provider: 'openai', stream: false, model: 'm', request, response, usage: { promptTokens: 7, completionTokens: 1, totalTokens: 8 }, durationMs: 3 });
    expect(s.getRun('r')).toMatchObject({ llmCalls: 1, usage: { promptTokens: 7, completionTokens: 1, totalTokens: 8 } });
    // Never stored incomplete: no stored row changed, so no re-index is queued and the revision stays.
    expect(pending(s)).toBe(0);
    expect(s.revisionOf('r')).toBe(0);
  });

  it('a patch in a later chunk, or further than the rows held, is merged into the stored row', () => {
    const s = open();
    const ing = s.ingestor('r');
    const far: JournalLine[] = [{ t: 'run', meta: meta('r') }, llm(0)];
    for (let seq = 1; seq <= 2500; seq++) far.push(line(seq));
    far.push(patch(0, 5), llm(2501));
    ing.ingestText(journal(...far));
    expect(s.getEvent('r', 0)?.payload).toMatchObject({ response, usage: { promptTokens: 5 } });
    ing.ingestText(journal(patch(2501, 9)));
    expect(s.getEvent('r', 2501)?.payload).toMatchObject({ response, usage: { promptTokens: 9 } });
    expect(s.getRun('r')).toMatchObject({ llmCalls: 2, usage: { promptTokens: 14, completionTokens: 2 } });
    expect(s.revisionOf('r')).toBe(2);
    expect(pending(s)).toBe(2);
  });

  it('writes every row of a chunk in 32-row inserts and one by one, a seq sent twice keeping its last row', () => {
    const s = open();
    const lines: JournalLine[] = [{ t: 'run', meta: meta('r') }];
    for (let seq = 0; seq < 70; seq++) lines.push(line(seq));
    lines.push({ t: 'ev', seq: 40, kind: 'console', ts: 40, payload: { stream: 'stderr', text: 'sent again\n' } });
    lines.push({ t: 'batch', seq: 70, kind: 'random', source: 'Math.random', ts: 70, values: [0.5, 0.25] });
    const res = s.ingestor('r').ingestText(journal(...lines));
    expect(res).toEqual({ lines: 73, events: 73, bad: 0 });
    const events = s.getEvents('r');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 72 }, (_, i) => i));
    expect(events[39].payload).toEqual({ stream: 'stdout', text: 'line 39\n' });
    expect(events[40].payload).toEqual({ stream: 'stderr', text: 'sent again\n' });
    expect(events[71]).toMatchObject({ kind: 'random', payload: { source: 'Math.random', value: 0.25 } });
    expect(s.getRun('r').steps).toBe(72);
  });
});
