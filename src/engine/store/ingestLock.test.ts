/**
 * Ingest next to another writer process on the same store file (the CLI recording while the workbench writes a
 * branch): each chunk takes the write lock before its first read, so it waits for the other writer (busy_timeout)
 * instead of failing with SQLITE_BUSY on a snapshot that another process's commit made stale.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { openStore } from './store.js';
import { journal, meta, removeTmpHomes, tmpHome } from './testJournal.js';

afterAll(removeTmpHomes);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

/** A process committing small write transactions on the store file for `ms` milliseconds. */
const WRITER = `
  const Database = require('better-sqlite3');
  const db = new Database(process.argv[1]);
  db.pragma('busy_timeout = 5000');
  const put = db.prepare("INSERT OR REPLACE INTO blobs (hash, size, data) VALUES (?, 1, x'2a')");
  const end = Date.now() + Number(process.argv[2]);
  let n = 0;
  process.stdout.write('ready\\n');
  while (Date.now() < end) db.transaction(() => put.run('other-writer-' + (n++ % 64)))();
  process.stdout.write(String(n));
`;

describe('ingest next to another writer', () => {
  it('waits for the other process instead of failing: every chunk is stored', async () => {
    const home = tmpHome('atr-lock-');
    const store = openStore({ home, env: {} });
    try {
      const ing = store.ingestor('a');
      ing.ingestText(journal({ t: 'run', meta: meta('a') }));
      const child = spawn(process.execPath, ['-e', WRITER, store.file, '2500'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (out += d));
      while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 10));
      let seq = 0;
      const started = Date.now();
      while (Date.now() - started < 2000) {
        const lines: JournalLine[] = [];
        for (let i = 0; i < 50; i++, seq++) lines.push({ t: 'ev', seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `line ${seq}\n` } });
        // Parsing the chunk takes a moment between the chunk's first read and its first write.
        ing.ingestText(journal(...lines));
        await new Promise((r) => setImmediate(r));
      }
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(0);
      expect(Number(out.replace('ready\n', ''))).toBeGreaterThan(0);
      expect(store.countEvents('a')).toBe(seq);
      expect(store.getRun('a').steps).toBe(seq);
    } finally {
      store.close();
    }
  });
});
