/** Runs written by another process (another SQLite connection) are reported as runUpdated events. */
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/store.js';
import { journal, meta, removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { watchRuns, type RunUpdate } from './runWatcher.js';

afterAll(removeTmpHomes);

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('watchRuns', () => {
  it('reports new runs, progress and the final status written by another connection, once each', async () => {
    const home = tmpHome();
    const ui = openStore({ home, env: {} });
    const recorder = openStore({ home, env: {} });
    recorder.ingestor('old').ingestText(journal({ t: 'run', meta: meta('old') }, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 5, steps: 0 }));
    const seen: RunUpdate[] = [];
    const watcher = watchRuns(ui, (u) => seen.push(u), { intervalMs: 20 });
    try {
      const ing = recorder.ingestor('live');
      ing.ingestText(journal({ t: 'run', meta: meta('live', { startedAt: Date.now() }) }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }));
      await until(() => seen.length >= 1);
      expect(seen[0]).toEqual({ runId: 'live', status: 'running', steps: 1 });
      ing.ingestText(journal({ t: 'ev', seq: 1, kind: 'step', ts: 2, payload: { name: 'b' } }, { t: 'end', status: 'failed', exit: { code: 2 }, endedAt: 9, steps: 2 }));
      await until(() => seen.some((u) => u.status === 'failed'));
      expect(seen.at(-1)).toEqual({ runId: 'live', status: 'failed', steps: 2 });
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 100));
      watcher.check();
      expect(seen).toHaveLength(count);
      expect(seen.some((u) => u.runId === 'old')).toBe(false);
    } finally {
      watcher.stop();
      recorder.close();
      ui.close();
    }
  });

  it('reports a finished run again when one of its stored events changes afterwards (a patch), and not otherwise', async () => {
    const home = tmpHome();
    const ui = openStore({ home, env: {} });
    const writer = openStore({ home, env: {} });
    const ing = writer.ingestor('done');
    ing.ingestText(journal({ t: 'run', meta: meta('done') }, { t: 'ev', seq: 0, kind: 'error', ts: 1, payload: { name: 'TypeError', message: 'm' } }, { t: 'end', status: 'failed', exit: { code: 1 }, endedAt: 5, steps: 1 }));
    const seen: RunUpdate[] = [];
    const watcher = watchRuns(ui, (u) => seen.push(u), { intervalMs: 20 });
    try {
      // A patch for a seq not stored yet changes nothing stored: no report.
      writer.ingestor('done').ingestText(journal({ t: 'patch', seq: 7, payload: { x: 1 } }));
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toEqual([]);
      expect(ui.revisionOf('done')).toBe(0);
      writer.ingestor('done').ingestText(journal({ t: 'patch', seq: 0, payload: { frames: [], framesBy: 'replay' } }));
      await until(() => seen.length >= 1);
      expect(seen).toEqual([{ runId: 'done', status: 'failed', steps: 1 }]);
      expect(ui.revisionOf('done')).toBe(1);
    } finally {
      watcher.stop();
      writer.close();
      ui.close();
    }
  });
});
