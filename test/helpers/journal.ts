/**
 * Test helper: reads an agent's journal file and returns its events with patches merged in (shallow, like the
 * store does) and batched values expanded into one event per value, sorted by seq.
 */
import { readFileSync } from 'node:fs';
import { parseJournal, type JournalLine } from '../../src/shared/trace/journal.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { completeCall } from '../../src/engine/store/ingestDerived.js';

export function readJournalLines(path: string): JournalLine[] {
  return parseJournal(readFileSync(path, 'utf8'), (line, reason) => {
    throw new Error(`journal ${path}: bad line ${line}: ${reason}`);
  });
}

/** Merged events of a journal, sorted by seq. */
export function readJournalEvents(path: string): TraceEvent[] {
  const bySeq = new Map<number, TraceEvent>();
  const patches: { seq: number; payload: Record<string, unknown> }[] = [];
  for (const line of readJournalLines(path)) {
    if (line.t === 'ev') {
      // As the store's ingest: a recording leaves an LLM call's messages and the fingerprint of an inline body to the host.
      const { payload, fp } = completeCall(line.kind, line.payload, line.fp);
      const ev = { seq: line.seq, kind: line.kind, ts: line.ts, payload } as unknown as TraceEvent;
      if (fp !== undefined) ev.fingerprint = fp;
      if (line.parent !== undefined) ev.parentSeq = line.parent;
      bySeq.set(line.seq, ev);
    } else if (line.t === 'batch') {
      line.values.forEach((value, i) => {
        const ev = { seq: line.seq + i, kind: line.kind, ts: line.ts, payload: line.lib === true ? { source: line.source, value, lib: true } : { source: line.source, value } } as unknown as TraceEvent;
        if (line.parent !== undefined) ev.parentSeq = line.parent;
        bySeq.set(line.seq + i, ev);
      });
    } else if (line.t === 'patch') {
      patches.push({ seq: line.seq, payload: line.payload as Record<string, unknown> });
    }
  }
  // Patches may precede nothing (their event is always written first), but apply them after all events to be safe.
  for (const p of patches) {
    const ev = bySeq.get(p.seq);
    if (ev) Object.assign(ev.payload as unknown as Record<string, unknown>, p.payload);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
