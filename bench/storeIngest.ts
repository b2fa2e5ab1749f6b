/**
 * Store ingest throughput: a crafted journal of realistic events (console lines, steps with parents, http events
 * patched later, f64 batches of Math.random values) ingested into a fresh store in a tmp folder, in the same
 * chunk sizes the live tail uses. Goal (issue 2): >= 100k events/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JournalLine } from '../src/shared/trace/journal.js';
import { openStore } from '../src/engine/store/store.js';
import { f64, meta } from '../src/engine/store/testJournal.js';

/** A journal of `events` events; with `batches`, every 4th record is an f64 batch of 16 Math.random values. */
function craft(events: number, batches: boolean): { text: string; seqs: number } {
  const lines: JournalLine[] = [{ t: 'run', meta: meta('bench-run') }];
  let seq = 0;
  while (seq < events) {
    const i = seq;
    switch (i % (batches ? 4 : 3)) {
      case 0:
        lines.push({ t: 'ev', seq: seq++, kind: 'console', ts: 1_700_000_000_000 + i, payload: { stream: 'stdout', text: `step ${i}: thinking about the next tool call` } });
        break;
      case 1:
        lines.push({ t: 'ev', seq: seq++, kind: 'step', ts: 1_700_000_000_000 + i, payload: { name: 'plan', input: { i } }, parent: i - 1 });
        break;
      case 2:
        lines.push({ t: 'ev', seq: seq++, kind: 'http', ts: 1_700_000_000_000 + i, payload: { layer: 'fetch', request: { method: 'GET', url: `http://127.0.0.1/items/${i}`, headers: { accept: 'application/json' } } }, fp: 'f'.repeat(64) });
        lines.push({ t: 'patch', seq: seq - 1, payload: { response: { status: 200, headers: {}, body: { text: '{"ok":true}' } }, durationMs: 1 } });
        break;
      default: {
        const values = Array.from({ length: 16 }, (_, k) => (i * 16 + k) / 1e6);
        lines.push({ t: 'batch', seq, kind: 'random', source: 'Math.random', ts: 1_700_000_000_000 + i, values: [], f64: f64(values) });
        seq += values.length;
      }
    }
  }
  return { text: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', seqs: seq };
}

/**
 * Ingests 200k events in 1 MB chunks (one transaction each, as the live tail does). eventsPerSec counts events that
 * are one row each (console, step, http + its patch): the honest figure. withBatchesPerSec adds f64 batches of
 * Math.random values, where one row holds 16 events.
 */
export async function benchIngest(events = 200_000): Promise<{ eventsPerSec: number; events: number; ms: number; withBatchesPerSec: number }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-bench-'));
  try {
    const { text, seqs } = craft(events, false);
    const mixed = craft(events, true);
    const store = openStore({ home, env: process.env });
    const ingest = (runId: string, body: string): number => {
      const ing = store.ingestor(runId);
      const t0 = performance.now();
      let pos = 0;
      while (pos < body.length) {
        let end = body.indexOf('\n', Math.min(body.length - 1, pos + 1024 * 1024));
        if (end < 0) end = body.length - 1;
        ing.ingestText(body.slice(pos, end + 1), end + 1);
        pos = end + 1;
      }
      return performance.now() - t0;
    };
    const ms = ingest('bench-run', text);
    const mixedMs = ingest('bench-mixed', mixed.text);
    store.close();
    await Promise.resolve();
    return { eventsPerSec: Math.round(seqs / (ms / 1000)), events: seqs, ms: Math.round(ms), withBatchesPerSec: Math.round(mixed.seqs / (mixedMs / 1000)) };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchIngest();
  process.stdout.write(
    `store ingest: ${r.eventsPerSec.toLocaleString('en')} events/s (${r.events} console/step/http events in ${r.ms} ms; goal >= 100,000); ` +
      `with Math.random batches: ${r.withBatchesPerSec.toLocaleString('en')} events/s\n`,
  );
}
