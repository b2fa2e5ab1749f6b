/**
 * Replay only: the read side of the sandbox. Reads must see what the replay wrote (overlay first, then disk, minus
 * what it deleted), so readFile, exists, stat/lstat, readdir, access, createReadStream and fd-level reads of
 * volume descriptors are patched here, plus the metadata writes the recorder does not record (chmod, chown, utimes
 * and their l/f forms: sandboxMeta.ts; symlink, link) so that they cannot reach the disk either. Calls about
 * untouched disk paths run the originals.
 * Callbacks and promise continuations are scheduled from the caller's context, never from the internal one.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { runInternalSync } from '../core/internal.js';
import type { AnyFn, Patcher } from '../determinism/patcher.js';
import { callbackIndex, toAbsPath } from './fsArgs.js';
import { fsError, userPath } from './sandboxErrors.js';
import type { Overlay } from './sandboxOverlay.js';
import { respell } from './sandboxHooks.js';
import { PASS, volFd } from './sandboxWrites.js';
import { META_ROWS } from './sandboxMeta.js';
import { noteFsMeta } from '../replay/containment.js';

type ReadOp = (ov: Overlay, args: unknown[]) => unknown;
type Callback = (err: unknown, ...results: unknown[]) => void;

const defer = globalThis.setImmediate;

function optsObj(o: unknown): Record<string, unknown> {
  return o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
}

/** A sandboxed path (in the volume, not a mirror of a disk directory) or a deleted one; undefined: the disk's. */
function sandboxedPath(ov: Overlay, p: unknown): { abs: string; user: string; gone: boolean } | undefined {
  const abs = toAbsPath(p);
  if (abs === undefined) return undefined;
  const w = ov.where(abs);
  if (w === 'disk' || (w === 'vol' && ov.mirrors.has(abs))) return undefined;
  return { abs, user: userPath(p), gone: w === 'gone' };
}

const readFile: ReadOp = (ov, [target, opts]) => {
  const fd = volFd(ov, target);
  if (fd !== undefined) return ov.vol.readFileSync(fd, opts);
  const s = sandboxedPath(ov, target);
  if (!s) return PASS;
  if (s.gone) throw fsError('ENOENT', 'open', s.user);
  if (ov.kind(s.abs) === 'dir') throw fsError('EISDIR', 'read');
  return ov.vol.readFileSync(s.abs, opts);
};

const exists: ReadOp = (ov, [p]) => {
  const s = sandboxedPath(ov, p);
  return s ? !s.gone : PASS;
};

function statOp(syscall: 'stat' | 'lstat'): ReadOp {
  return (ov, [p, opts]) => {
    const s = sandboxedPath(ov, p);
    if (!s) return PASS;
    if (s.gone) {
      if (optsObj(opts).throwIfNoEntry === false) return undefined;
      throw fsError('ENOENT', syscall, s.user);
    }
    return syscall === 'stat' ? ov.vol.statSync(s.abs, opts) : ov.vol.lstatSync(s.abs, opts);
  };
}

const access: ReadOp = (ov, [p, mode]) => {
  const s = sandboxedPath(ov, p);
  if (!s) return PASS;
  if (s.gone) throw fsError('ENOENT', 'access', s.user);
  ov.vol.accessSync(s.abs, mode);
  return undefined;
};

/** Dirent-like entries of one merged directory: the volume's own where it has the entry, else the disk's. */
function direntsOf(ov: Overlay, abs: string, names: string[]): fs.Dirent[] {
  const byName = new Map<string, fs.Dirent>();
  if (ov.where(abs) !== 'vol' || ov.mirrors.has(abs)) {
    try {
      for (const d of ov.real.readdirSync(abs, { withFileTypes: true })) byName.set(d.name, d);
    } catch {
      // Not on disk: every entry is the volume's.
    }
  }
  if (ov.where(abs) === 'vol') for (const d of ov.vol.readdirSync(abs, { withFileTypes: true }) as fs.Dirent[]) byName.set(String(d.name), d);
  return names.map((n) => byName.get(n)).filter((d): d is fs.Dirent => d !== undefined);
}

const readdir: ReadOp = (ov, [p, opts]) => {
  const abs = toAbsPath(p);
  if (abs === undefined) return PASS;
  const o = typeof opts === 'string' ? { encoding: opts } : optsObj(opts);
  const recursive = o.recursive === true;
  const under = (d: string): boolean => [...ov.deleted].some((x) => x.startsWith(d + nodePath.sep)) || ((ov.hasVol || nodePath.dirname(d) === d) && ov.vol.existsSync(d));
  if (ov.where(abs) === 'disk' && !ov.touchesDir(abs) && !(recursive && under(abs))) return PASS;
  const user = userPath(p);
  if (ov.kind(abs) === 'file') throw fsError('ENOTDIR', 'scandir', user);
  const top = ov.list(abs);
  if (top === undefined) throw fsError('ENOENT', 'scandir', user);
  const out: unknown[] = [];
  // Breadth first, like Node's recursive readdir.
  const queue: [string, string, string[]][] = [[abs, '', top]];
  while (queue.length) {
    const [dir, rel, names] = queue.shift() as [string, string, string[]];
    const dirents = o.withFileTypes === true ? direntsOf(ov, dir, names) : undefined;
    names.forEach((n, i) => {
      const relName = rel ? nodePath.join(rel, n) : n;
      if (dirents) out.push(dirents[i]);
      else out.push(o.encoding === 'buffer' ? Buffer.from(relName) : relName);
      if (recursive && ov.kind(nodePath.join(dir, n)) === 'dir') queue.push([nodePath.join(dir, n), relName, ov.list(nodePath.join(dir, n)) ?? []]);
    });
  }
  return out;
};

const symlink: ReadOp = (ov, [target, p, type]) => {
  const abs = toAbsPath(p);
  if (abs === undefined) return PASS;
  if (ov.kind(abs) !== null || ov.where(abs) === 'vol') throw fsError('EEXIST', 'symlink', userPath(target), userPath(p));
  ov.parentReady(abs, 'symlink', userPath(target), userPath(p));
  ov.vol.symlinkSync(userPath(target), abs, type);
  ov.noteVol(abs);
  noteFsMeta();
  return undefined;
};

/** A hard link becomes a copy in the volume (both names then read the same bytes). */
const link: ReadOp = (ov, [a, b]) => {
  const absA = toAbsPath(a);
  const absB = toAbsPath(b);
  if (absA === undefined || absB === undefined) return PASS;
  if (ov.kind(absA) === null) throw fsError('ENOENT', 'link', userPath(a), userPath(b));
  if (ov.kind(absB) !== null) throw fsError('EEXIST', 'link', userPath(a), userPath(b));
  ov.parentReady(absB, 'link', userPath(a), userPath(b));
  ov.putFile(absB, ov.readBytes(absA, userPath(a)));
  noteFsMeta();
  return undefined;
};

function fdOp(run: (ov: Overlay, fd: number, args: unknown[]) => unknown): ReadOp {
  return (ov, args) => {
    const fd = volFd(ov, args[0]);
    return fd === undefined ? PASS : run(ov, fd, args);
  };
}

interface Row {
  name: string;
  op: ReadOp;
  sync?: boolean;
  callback?: boolean;
  promise?: boolean;
  /** Callback results after err, given the op's result and the call's arguments. */
  cbArgs?: (r: unknown, args: unknown[]) => unknown[];
}

const ROWS: Row[] = [
  { name: 'readFile', op: readFile, sync: true, callback: true, promise: true },
  { name: 'exists', op: exists, sync: true },
  { name: 'stat', op: statOp('stat'), sync: true, callback: true, promise: true },
  { name: 'lstat', op: statOp('lstat'), sync: true, callback: true, promise: true },
  { name: 'readdir', op: readdir, sync: true, callback: true, promise: true },
  { name: 'access', op: access, sync: true, callback: true, promise: true },
  ...META_ROWS,
  { name: 'symlink', op: symlink, sync: true, callback: true, promise: true },
  { name: 'link', op: link, sync: true, callback: true, promise: true },
  {
    name: 'read',
    op: fdOp((ov, fd, a) => ov.vol.readSync(fd, ...a.slice(1))),
    sync: true,
    callback: true,
    cbArgs: (r, a) => [r, ArrayBuffer.isView(a[1]) ? a[1] : optsObj(a[1]).buffer],
  },
  { name: 'readv', op: fdOp((ov, fd, a) => ov.vol.readvSync(fd, a[1], a[2] ?? null)), sync: true, callback: true, cbArgs: (r, a) => [r, a[1]] },
  { name: 'fstat', op: fdOp((ov, fd, a) => ov.vol.fstatSync(fd, a[1])), sync: true, callback: true },
  { name: 'fsync', op: fdOp(() => undefined), sync: true, callback: true },
  { name: 'fdatasync', op: fdOp(() => undefined), sync: true, callback: true },
];

/**
 * Read operations are synchronous (their callback or promise follows on setImmediate, outside): marking them
 * internal while they run is enough, and needs no AsyncLocalStorage (which would make Node track every promise of
 * the replay; Node's ES module loader reads every module source through promises.readFile).
 */
function run(ov: Overlay, op: ReadOp, args: unknown[]): unknown {
  try {
    return runInternalSync(() => op(ov, args));
  } catch (e) {
    throw respell(e, args);
  }
}

/** Installs the read-side patches over `ov`. */
export function installSandboxReads(p: Patcher, ov: Overlay, streamFs: Record<string, AnyFn>): void {
  const fsObj = fs as unknown as Record<string, AnyFn>;
  const promises = fs.promises as unknown as Record<string, AnyFn>;
  for (const row of ROWS) {
    const { op } = row;
    if (row.sync) {
      p.wrap<AnyFn>(fsObj, `${row.name}Sync`, (original) => {
        return function (this: unknown, ...args: unknown[]): unknown {
          const r = run(ov, op, args);
          return r === PASS ? original.apply(this, args) : r;
        };
      });
    }
    if (row.callback) {
      p.wrap<AnyFn>(fsObj, row.name, (original) => {
        return function (this: unknown, ...args: unknown[]): unknown {
          const i = callbackIndex(args);
          if (i < 0) return original.apply(this, args);
          const cb = args[i] as Callback;
          const a = args.slice(0, i);
          let r: unknown;
          try {
            r = run(ov, op, a);
          } catch (e) {
            defer(cb, e);
            return undefined;
          }
          if (r === PASS) return original.apply(this, args);
          const results = row.cbArgs ? row.cbArgs(r, a) : r === undefined ? [] : [r];
          defer(() => cb(null, ...results));
          return undefined;
        };
      });
    }
    if (row.promise) {
      p.wrap<AnyFn>(promises, row.name, (original) => {
        return function (this: unknown, ...args: unknown[]): unknown {
          // A volume FileHandle: memfs reads it (Node's promises.readFile would reject a foreign handle).
          let r: unknown;
          try {
            r = run(ov, op, args);
          } catch (e) {
            return new Promise((_res, rej) => defer(rej, e));
          }
          if (r === PASS) return original.apply(this, args);
          return new Promise((res) => defer(res, r));
        };
      });
    }
  }

  // fs.exists(path, cb) calls back with a boolean only.
  p.wrap<AnyFn>(fsObj, 'exists', (original) => {
    return function (this: unknown, ...args: unknown[]): unknown {
      const cb = args[1];
      if (typeof cb !== 'function') return original.apply(this, args);
      const r = run(ov, exists, args);
      if (r === PASS) return original.apply(this, args);
      defer(cb as (b: unknown) => void, r);
      return undefined;
    };
  });

  p.wrap<AnyFn>(fsObj, 'createReadStream', (original) => {
    return function (this: unknown, ...args: unknown[]): unknown {
      const o = args[1];
      const opts: Record<string, unknown> = typeof o === 'string' ? { encoding: o } : optsObj(o);
      if (opts.fs != null) return original.apply(this, args);
      const sandboxed = opts.fd != null ? volFd(ov, opts.fd) !== undefined : runInternalSync(() => sandboxedPath(ov, args[0])) !== undefined;
      if (!sandboxed) return original.apply(this, args);
      return original.call(this, args[0], { ...opts, fs: streamFs }, ...args.slice(2));
    };
  });
}
