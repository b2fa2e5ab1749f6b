/**
 * The "Recent traces" menu: trace files the desktop app imported, newest first, kept in `<home>/recent-traces.json`.
 * A damaged list is treated as empty (it is a convenience, never a reason to fail a launch).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RecentTrace {
  path: string;
  /** The run the import opened. */
  runId: string;
  openedAt: number;
}

export const MAX_RECENT = 10;

export class RecentTraces {
  readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'recent-traces.json');
  }

  list(): RecentTrace[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((r): r is RecentTrace => !!r && typeof r === 'object' && typeof (r as RecentTrace).path === 'string' && typeof (r as RecentTrace).runId === 'string' && typeof (r as RecentTrace).openedAt === 'number').slice(0, MAX_RECENT);
    } catch {
      return [];
    }
  }

  add(file: string, runId: string, now = Date.now()): RecentTrace[] {
    const entry: RecentTrace = { path: path.resolve(file), runId, openedAt: now };
    const next = [entry, ...this.list().filter((r) => r.path !== entry.path)].slice(0, MAX_RECENT);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // Write-then-rename: two windows or a crash never leave half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 1));
    fs.renameSync(tmp, this.file);
    return next;
  }

  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}
