/**
 * The replay's file-system overlay: a memfs volume over the real disk.
 * - Every write lands in the volume; the real disk is only ever read (through the ORIGINAL fs functions).
 * - A path lives in the volume, is hidden (deleted during the replay: it or an ancestor is in `deleted`), or falls
 *   through to the disk. A directory deleted and made again is opaque: its old disk entries stay hidden.
 * - Directories that exist on disk are mirrored into the volume on demand (`mirrors`) so new files can be placed in
 *   them; their disk entries stay visible and their stats are the disk's.
 * - Files that exist on disk are copied up into the volume before an in-place change (append, truncate, r+ open).
 * IMPORTANT: memfs stamps times with `new Date()`; every call into the volume runs inside runInternal (callers
 * guarantee it) so the replay's clock tape is not consumed by the sandbox.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fsError } from './sandboxErrors.js';

/** The memfs Volume methods the sandbox uses (memfs's own overloads are too wide to call through). */
export interface Vol {
  existsSync(p: string): boolean;
  lstatSync(p: string, o?: unknown): fs.Stats;
  statSync(p: string, o?: unknown): fs.Stats;
  fstatSync(fd: number, o?: unknown): fs.Stats;
  readFileSync(p: string | number, o?: unknown): Buffer | string;
  writeFileSync(p: string | number, data: unknown, o?: unknown): void;
  appendFileSync(p: string | number, data: unknown, o?: unknown): void;
  mkdirSync(p: string, o?: unknown): string | undefined;
  readdirSync(p: string, o?: unknown): (string | fs.Dirent)[];
  rmSync(p: string, o?: unknown): void;
  renameSync(a: string, b: string): void;
  openSync(p: string, flags?: unknown, mode?: unknown): number;
  closeSync(fd: number): void;
  writeSync(fd: number, ...args: unknown[]): number;
  writevSync(fd: number, buffers: unknown, position?: unknown): number;
  readSync(fd: number, ...args: unknown[]): number;
  readvSync(fd: number, buffers: unknown, position?: unknown): number;
  ftruncateSync(fd: number, len?: unknown): void;
  truncateSync(p: string, len?: unknown): void;
  accessSync(p: string, mode?: unknown): void;
  chmodSync(p: string, mode: unknown): void;
  utimesSync(p: string, atime: unknown, mtime: unknown): void;
  symlinkSync(target: string, p: string, type?: unknown): void;
  linkSync(a: string, b: string): void;
  promises: { open(p: string, flags?: unknown, mode?: unknown): Promise<VolHandle> };
}

/** A memfs FileHandle (what fs.promises.open returns for a sandboxed file). */
export interface VolHandle {
  fd: number;
  readFile(o?: unknown): Promise<Buffer | string>;
}

export type Where = 'vol' | 'gone' | 'disk';
export type Kind = 'file' | 'dir' | null;

/** The real fs functions, taken before any patch. */
export interface RealFs {
  statSync: typeof fs.statSync;
  lstatSync: typeof fs.lstatSync;
  readFileSync: typeof fs.readFileSync;
  readdirSync: typeof fs.readdirSync;
  existsSync: typeof fs.existsSync;
}

export function takeRealFs(): RealFs {
  return { statSync: fs.statSync, lstatSync: fs.lstatSync, readFileSync: fs.readFileSync, readdirSync: fs.readdirSync, existsSync: fs.existsSync };
}

export class Overlay {
  /** Paths deleted during the replay that may exist on disk. */
  readonly deleted = new Set<string>();
  /** Parents of deleted paths (their disk listings need filtering). */
  private readonly deletedParents = new Set<string>();
  /** Volume directories that only mirror a disk directory (created to hold new entries). */
  readonly mirrors = new Set<string>();
  /** Every directory that holds (or held) something in the volume: a cheap pre-check before asking memfs. */
  private readonly volDirs = new Set<string>(['/']);
  /** Descriptors opened in the volume. */
  readonly fds = new Set<number>();
  /** Indexes of `recordedDirs` a replayed mkdtemp has reused. */
  private readonly usedDirs = new Set<number>();

  private volume: Vol | undefined;

  /**
   * `makeVol` creates the volume on first use (loading memfs costs 50-250 ms of startup, and most replays never
   * write a file); until then the volume is empty, so nothing needs it. `recordedDirs`: the directories the
   * recorded run created (tape.mkdirs), for mkdtemp names.
   */
  constructor(
    private readonly makeVol: () => Vol,
    readonly real: RealFs,
    private readonly recordedDirs: readonly string[] = [],
  ) {}

  /** The memfs volume (created now if it was not yet). */
  get vol(): Vol {
    return (this.volume ??= this.makeVol());
  }

  /** True once the volume exists (before that it holds nothing). */
  get hasVol(): boolean {
    return this.volume !== undefined;
  }

  /** The name mkdtemp(prefix) got while recording: the first unused recorded directory `prefix` + 6 characters. */
  takeRecordedTemp(prefixAbs: string): string | undefined {
    for (let i = 0; i < this.recordedDirs.length; i++) {
      const d = this.recordedDirs[i];
      if (this.usedDirs.has(i) || d.length !== prefixAbs.length + 6 || !d.startsWith(prefixAbs)) continue;
      if (!/^[A-Za-z0-9]{6}$/.test(d.slice(prefixAbs.length))) continue;
      this.usedDirs.add(i);
      return d;
    }
    return undefined;
  }

  where(abs: string): Where {
    const dir = nodePath.dirname(abs);
    // An uncreated volume holds nothing but its root (the root is asked for rarely: it creates the volume).
    const vol = this.volume ?? (dir === abs ? this.vol : undefined);
    if (vol !== undefined && this.volDirs.has(dir) && vol.existsSync(abs)) return 'vol';
    if (this.deleted.size > 0 && this.isHidden(abs)) return 'gone';
    return 'disk';
  }

  /** True when the path or one of its ancestors was deleted during the replay. */
  isHidden(abs: string): boolean {
    let p = abs;
    for (;;) {
      if (this.deleted.has(p)) return true;
      const up = nodePath.dirname(p);
      if (up === p) return false;
      p = up;
    }
  }

  /** What is at `abs` in the merged view (links followed). */
  kind(abs: string): Kind {
    const w = this.where(abs);
    if (w === 'gone') return null;
    if (w === 'vol') {
      try {
        return this.vol.statSync(abs).isDirectory() ? 'dir' : 'file';
      } catch {
        return null;
      }
    }
    const st = this.real.statSync(abs, { throwIfNoEntry: false });
    return st ? (st.isDirectory() ? 'dir' : 'file') : null;
  }

  /** True when the disk has `abs` and the overlay does not hide it. */
  onDisk(abs: string): boolean {
    return !(this.deleted.size > 0 && this.isHidden(abs)) && this.real.lstatSync(abs, { throwIfNoEntry: false }) !== undefined;
  }

  /** Records that the volume now holds `abs`. */
  noteVol(abs: string): void {
    let d = nodePath.dirname(abs);
    while (!this.volDirs.has(d)) {
      this.volDirs.add(d);
      d = nodePath.dirname(d);
    }
  }

  /** Makes sure the directory `dir` (existing in the merged view) exists in the volume. */
  mirrorDir(dir: string): void {
    if (this.where(dir) === 'vol') return;
    const up = nodePath.dirname(dir);
    if (up !== dir) this.mirrorDir(up);
    this.vol.mkdirSync(dir);
    this.mirrors.add(dir);
    this.noteVol(dir);
  }

  /** The parent of `abs` must be a directory (merged view); it is mirrored into the volume. */
  parentReady(abs: string, syscall: string, user: string, dest?: string): void {
    const parent = nodePath.dirname(abs);
    const k = this.kind(parent);
    if (k === 'dir') this.mirrorDir(parent);
    else throw fsError(k === null ? 'ENOENT' : 'ENOTDIR', syscall, user, dest);
  }

  /** Copies a disk file into the volume (before an in-place change). Directories are mirrored. */
  copyUp(abs: string): void {
    if (this.where(abs) !== 'disk') return;
    const st = this.real.statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      this.mirrorDir(abs);
      return;
    }
    this.mirrorDir(nodePath.dirname(abs));
    this.vol.writeFileSync(abs, this.real.readFileSync(abs), { mode: st.mode & 0o7777 });
    this.noteVol(abs);
  }

  /** The size of a file in the merged view (Infinity when it is not there). */
  size(abs: string): number {
    const w = this.where(abs);
    if (w === 'gone') return Infinity;
    const st = w === 'vol' ? this.vol.statSync(abs) : this.real.statSync(abs, { throwIfNoEntry: false });
    return st ? st.size : Infinity;
  }

  /** The bytes of a file in the merged view. */
  readBytes(abs: string, user: string): Buffer {
    const w = this.where(abs);
    if (w === 'gone') throw fsError('ENOENT', 'open', user);
    if (w === 'vol') return this.vol.readFileSync(abs) as Buffer;
    return this.real.readFileSync(abs);
  }

  /** Removes `abs` (file or whole tree) from the merged view. */
  remove(abs: string): void {
    if (this.where(abs) === 'vol') this.vol.rmSync(abs, { recursive: true, force: true });
    for (const m of this.mirrors) if (m === abs || m.startsWith(abs + nodePath.sep)) this.mirrors.delete(m);
    if (this.real.lstatSync(abs, { throwIfNoEntry: false }) !== undefined) {
      this.deleted.add(abs);
      this.deletedParents.add(nodePath.dirname(abs));
    }
  }

  /** Writes a whole file into the volume (the parent must be ready). */
  putFile(abs: string, data: Buffer | string, mode?: number): void {
    this.vol.writeFileSync(abs, data, mode !== undefined ? { mode } : undefined);
    this.noteVol(abs);
  }

  /**
   * Places a file in the volume before the agent runs (patched source, Tape.patchedFiles): missing folders on the way
   * are made in the volume, existing ones mirrored. Not an agent write: nothing is recorded.
   */
  seedFile(abs: string, data: string): void {
    const missing: string[] = [];
    let dir = nodePath.dirname(abs);
    while (this.kind(dir) !== 'dir') {
      missing.unshift(dir);
      const up = nodePath.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    this.mirrorDir(dir);
    for (const d of missing) this.putDir(d);
    const st = this.real.statSync(abs, { throwIfNoEntry: false });
    this.putFile(abs, data, st ? st.mode & 0o7777 : undefined);
  }

  /** Creates a directory in the volume (the parent must be ready). */
  putDir(abs: string): void {
    this.vol.mkdirSync(abs);
    this.mirrors.delete(abs);
    this.noteVol(abs);
  }

  /**
   * Entry names of a directory in the merged view, disk order first (entries made during the replay follow).
   * Undefined when the directory does not exist there.
   */
  list(abs: string): string[] | undefined {
    const w = this.where(abs);
    if (w === 'gone') return undefined;
    const names: string[] = [];
    const seen = new Set<string>();
    // A volume directory that is not a mirror was made during the replay: nothing of the disk shows through it.
    if (w === 'disk' || this.mirrors.has(abs)) {
      let disk: string[];
      try {
        disk = this.real.readdirSync(abs);
      } catch {
        if (w === 'disk') return undefined;
        disk = [];
      }
      for (const n of disk) {
        if (this.deleted.has(nodePath.join(abs, n))) continue;
        names.push(n);
        seen.add(n);
      }
    }
    if (w === 'vol') {
      for (const n of this.vol.readdirSync(abs) as string[]) if (!seen.has(n)) names.push(n);
    }
    return names;
  }

  /** True when a disk directory's listing is affected by the overlay (something added or deleted in it). */
  touchesDir(abs: string): boolean {
    return this.deletedParents.has(abs) || this.volDirs.has(abs) || this.where(abs) !== 'disk';
  }
}
