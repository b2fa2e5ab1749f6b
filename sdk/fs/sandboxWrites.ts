/**
 * The sandbox's mutating operations, one synchronous function per patched fs call, over the overlay. Each takes the
 * call's arguments (callback removed) and returns the call's result, throws Node's error, or returns PASS: the call
 * is not about a sandboxed file (a real descriptor such as stdout) and the original must run.
 * Callers run these inside runInternal (memfs reads the clock); sandboxHooks.ts adapts them to the three APIs.
 */
import { constants } from 'node:fs';
import nodePath from 'node:path';
import { runInternal } from '../core/internal.js';
import { flagOf, isWriteFlags, toAbsPath } from './fsArgs.js';
import { cpExistsError, fsError, isDirError, userPath } from './sandboxErrors.js';
import type { Overlay, VolHandle } from './sandboxOverlay.js';

export const PASS: unique symbol = Symbol('agenttrace.fs.pass');
export type Pass = typeof PASS;
export type Op = (ov: Overlay, args: unknown[], api: 'sync' | 'callback' | 'promise') => unknown;

/** The volume descriptor a call targets (a number or a FileHandle-like object), or undefined. */
export function volFd(ov: Overlay, target: unknown): number | undefined {
  if (typeof target === 'number') return ov.fds.has(target) ? target : undefined;
  if (target && typeof target === 'object' && !(target instanceof URL) && !Buffer.isBuffer(target)) {
    const fd = (target as { fd?: unknown }).fd;
    if (typeof fd === 'number' && ov.fds.has(fd)) return fd;
  }
  return undefined;
}

function pathArg(p: unknown): { abs: string; user: string } | undefined {
  const abs = toAbsPath(p);
  return abs === undefined ? undefined : { abs, user: userPath(p) };
}

function optsObj(o: unknown): Record<string, unknown> {
  return o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
}

/** writeFile / appendFile on a path, a volume fd or a volume FileHandle. */
function writeData(ov: Overlay, args: unknown[], append: boolean): unknown {
  const [target, data, opts] = args;
  const fd = volFd(ov, target);
  if (fd !== undefined) {
    if (append) ov.vol.appendFileSync(fd, data, opts);
    else ov.vol.writeFileSync(fd, data, opts);
    return undefined;
  }
  const p = pathArg(target);
  if (!p) return PASS; // a real fd, or an argument Node rejects itself
  const flag = flagOf(opts) ?? (append ? 'a' : 'w');
  const k = ov.kind(p.abs);
  if (k === 'dir') throw fsError('EISDIR', 'open', p.user);
  if (k !== null && flag.includes('x')) throw fsError('EEXIST', 'open', p.user);
  if (k === null && flag.startsWith('r')) throw fsError('ENOENT', 'open', p.user);
  ov.parentReady(p.abs, 'open', p.user);
  if (k === 'file' && (append || !flag.startsWith('w'))) ov.copyUp(p.abs);
  if (append) ov.vol.appendFileSync(p.abs, data, opts);
  else ov.vol.writeFileSync(p.abs, data, opts);
  ov.noteVol(p.abs);
  return undefined;
}

/** promises.writeFile also takes (async) iterables and streams: collect them first. */
function writeDataOp(append: boolean): Op {
  return (ov, args, api) => {
    const data = args[1];
    if (api === 'promise' && typeof data !== 'string' && !ArrayBuffer.isView(data) && data && typeof data === 'object') {
      return (async () => {
        const parts: Buffer[] = [];
        for await (const c of data as AsyncIterable<unknown>) parts.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
        return runInternal(() => writeData(ov, [args[0], Buffer.concat(parts), args[2]], append));
      })();
    }
    return writeData(ov, args, append);
  };
}

function mkdir(ov: Overlay, args: unknown[]): unknown {
  const p = pathArg(args[0]);
  if (!p) return PASS;
  const recursive = optsObj(args[1]).recursive === true;
  if (!recursive) {
    if (ov.kind(p.abs) !== null) throw fsError('EEXIST', 'mkdir', p.user);
    ov.parentReady(p.abs, 'mkdir', p.user);
    ov.putDir(p.abs);
    return undefined;
  }
  const chain: string[] = [];
  let cur = p.abs;
  for (;;) {
    const k = ov.kind(cur);
    if (k === 'dir') break;
    if (k === 'file') throw fsError(cur === p.abs ? 'EEXIST' : 'ENOTDIR', 'mkdir', p.user);
    chain.push(cur);
    const up = nodePath.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  if (chain.length === 0) return undefined;
  ov.mirrorDir(cur);
  chain.reverse();
  for (const d of chain) ov.putDir(d);
  // Node returns the first directory created, spelled like the argument (relative stays relative).
  return nodePath.isAbsolute(p.user) ? chain[0] : nodePath.relative(process.cwd(), chain[0]);
}

const TEMP_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function mkdtemp(ov: Overlay, args: unknown[]): unknown {
  const prefix = userPath(args[0]);
  // path.resolve drops a trailing separator that is part of the prefix (`/tmp/` + XXXXXX).
  const prefixAbs = nodePath.resolve(prefix) + (prefix.endsWith(nodePath.sep) && prefix.length > 1 ? nodePath.sep : '');
  const recorded = ov.takeRecordedTemp(prefixAbs);
  if (recorded !== undefined) {
    // The name the recording got. The recording may have left that directory on disk: a fresh, empty one
    // shadows it in the overlay, as mkdtemp made it then.
    if (ov.kind(recorded) !== null) ov.remove(recorded);
    ov.parentReady(recorded, 'mkdtemp', `${prefix}XXXXXX`);
    ov.putDir(recorded);
    return prefix + recorded.slice(prefixAbs.length);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    // Internal context: this Math.random is the real one and consumes no tape value.
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += TEMP_CHARS[Math.floor(Math.random() * TEMP_CHARS.length)];
    const abs = prefixAbs + suffix;
    if (ov.kind(abs) !== null) continue;
    ov.parentReady(abs, 'mkdtemp', `${prefix}XXXXXX`);
    ov.putDir(abs);
    return prefix + suffix;
  }
  throw fsError('EEXIST', 'mkdtemp', `${prefix}XXXXXX`);
}

function rm(ov: Overlay, args: unknown[]): unknown {
  const p = pathArg(args[0]);
  if (!p) return PASS;
  const o = optsObj(args[1]);
  const k = ov.kind(p.abs);
  if (k === null) {
    if (o.force === true) return undefined;
    throw fsError('ENOENT', 'lstat', p.user);
  }
  if (k === 'dir' && o.recursive !== true) throw isDirError('rm', p.user);
  ov.remove(p.abs);
  return undefined;
}

function rmdir(ov: Overlay, args: unknown[]): unknown {
  const p = pathArg(args[0]);
  if (!p) return PASS;
  const k = ov.kind(p.abs);
  if (k === null) throw fsError('ENOENT', 'rmdir', p.user);
  if (k === 'file') throw fsError('ENOTDIR', 'rmdir', p.user);
  if (optsObj(args[1]).recursive !== true && (ov.list(p.abs) ?? []).length > 0) throw fsError('ENOTEMPTY', 'rmdir', p.user);
  ov.remove(p.abs);
  return undefined;
}

function unlink(ov: Overlay, args: unknown[]): unknown {
  const p = pathArg(args[0]);
  if (!p) return PASS;
  const k = ov.kind(p.abs);
  if (k === null) throw fsError('ENOENT', 'unlink', p.user);
  if (k === 'dir') throw fsError('EISDIR', 'unlink', p.user);
  ov.remove(p.abs);
  return undefined;
}

function modeOf(ov: Overlay, abs: string): number | undefined {
  try {
    const st = ov.where(abs) === 'vol' && !ov.mirrors.has(abs) ? ov.vol.statSync(abs) : ov.real.statSync(abs);
    return st.mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Copies a tree of the merged view into the volume at `to` (which must not exist; its parent must be ready). */
export function copyTree(ov: Overlay, from: string, to: string): void {
  if (ov.kind(from) !== 'dir') {
    ov.putFile(to, ov.readBytes(from, from), modeOf(ov, from));
    return;
  }
  ov.putDir(to);
  for (const name of ov.list(from) ?? []) copyTree(ov, nodePath.join(from, name), nodePath.join(to, name));
}

function rename(ov: Overlay, args: unknown[]): unknown {
  const a = pathArg(args[0]);
  const b = pathArg(args[1]);
  if (!a || !b) return PASS;
  const ka = ov.kind(a.abs);
  if (ka === null) throw fsError('ENOENT', 'rename', a.user, b.user);
  if (a.abs === b.abs) return undefined;
  const kb = ov.kind(b.abs);
  if (ka === 'dir' && kb === 'file') throw fsError('ENOTDIR', 'rename', a.user, b.user);
  if (ka === 'file' && kb === 'dir') throw fsError('EISDIR', 'rename', a.user, b.user);
  if (ka === 'dir' && kb === 'dir' && (ov.list(b.abs) ?? []).length > 0) throw fsError('ENOTEMPTY', 'rename', a.user, b.user);
  if (ka === 'dir' && b.abs.startsWith(a.abs + nodePath.sep)) throw fsError('EINVAL', 'rename', a.user, b.user);
  ov.parentReady(b.abs, 'rename', a.user, b.user);
  if (kb !== null) ov.remove(b.abs);
  if (ka === 'file' && ov.where(a.abs) === 'vol') {
    // memfs moves the node itself: descriptors open on it stay valid, as on a real disk.
    ov.vol.renameSync(a.abs, b.abs);
    ov.noteVol(b.abs);
  } else copyTree(ov, a.abs, b.abs);
  ov.remove(a.abs);
  return undefined;
}

function copyFile(ov: Overlay, args: unknown[]): unknown {
  const a = pathArg(args[0]);
  const b = pathArg(args[1]);
  if (!a || !b) return PASS;
  const ka = ov.kind(a.abs);
  if (ka === null) throw fsError('ENOENT', 'copyfile', a.user, b.user);
  if (ka === 'dir') throw fsError('EISDIR', 'copyfile', a.user, b.user);
  const kb = ov.kind(b.abs);
  if (kb !== null && typeof args[2] === 'number' && (args[2] & constants.COPYFILE_EXCL) !== 0) throw fsError('EEXIST', 'copyfile', a.user, b.user);
  if (kb === 'dir') throw fsError('EISDIR', 'copyfile', a.user, b.user);
  ov.parentReady(b.abs, 'copyfile', a.user, b.user);
  ov.putFile(b.abs, ov.readBytes(a.abs, a.user), modeOf(ov, a.abs));
  return undefined;
}

function truncate(ov: Overlay, args: unknown[]): unknown {
  if (typeof args[0] === 'number') return ftruncate(ov, args);
  const p = pathArg(args[0]);
  if (!p) return PASS;
  const k = ov.kind(p.abs);
  if (k === null) throw fsError('ENOENT', 'open', p.user);
  if (k === 'dir') throw fsError('EISDIR', 'open', p.user);
  ov.copyUp(p.abs);
  ov.vol.truncateSync(p.abs, typeof args[1] === 'number' ? args[1] : 0);
  return undefined;
}

function ftruncate(ov: Overlay, args: unknown[]): unknown {
  const fd = volFd(ov, args[0]);
  if (fd === undefined) return PASS;
  ov.vol.ftruncateSync(fd, typeof args[1] === 'number' ? args[1] : 0);
  return undefined;
}

function creates(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & constants.O_CREAT) !== 0;
  return typeof flags === 'string' && /[wa]/.test(flags);
}

function truncates(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & constants.O_TRUNC) !== 0;
  return typeof flags === 'string' && flags.startsWith('w');
}

function exclusive(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & constants.O_EXCL) !== 0;
  return typeof flags === 'string' && flags.includes('x');
}

/**
 * Prepares an open: read-only opens of sandboxed files and every write open go to the volume (returns the absolute
 * path to open there); read-only opens of untouched disk files PASS.
 */
export function prepareOpen(ov: Overlay, pathLike: unknown, flags: unknown): string | Pass {
  const p = pathArg(pathLike);
  if (!p) return PASS;
  const w = ov.where(p.abs);
  if (!isWriteFlags(flags)) {
    if (w === 'gone') throw fsError('ENOENT', 'open', p.user);
    return w === 'vol' && !ov.mirrors.has(p.abs) ? p.abs : PASS;
  }
  const k = ov.kind(p.abs);
  if (k === 'dir') throw fsError('EISDIR', 'open', p.user);
  if (k !== null && exclusive(flags)) throw fsError('EEXIST', 'open', p.user);
  if (k === null && !creates(flags)) throw fsError('ENOENT', 'open', p.user);
  ov.parentReady(p.abs, 'open', p.user);
  if (k === 'file' && !truncates(flags)) ov.copyUp(p.abs);
  ov.noteVol(p.abs);
  return p.abs;
}

function open(ov: Overlay, args: unknown[], api: 'sync' | 'callback' | 'promise'): unknown {
  const flags = args[1] ?? 'r';
  const abs = prepareOpen(ov, args[0], flags);
  if (abs === PASS) return PASS;
  if (api === 'promise') {
    return ov.vol.promises.open(abs, flags, args[2]).then((h: VolHandle) => {
      ov.fds.add(h.fd);
      return h;
    });
  }
  const fd = ov.vol.openSync(abs, flags, args[2]);
  ov.fds.add(fd);
  return fd;
}

function fdWrite(ov: Overlay, args: unknown[]): unknown {
  const fd = volFd(ov, args[0]);
  return fd === undefined ? PASS : ov.vol.writeSync(fd, ...args.slice(1));
}

function fdWritev(ov: Overlay, args: unknown[]): unknown {
  const fd = volFd(ov, args[0]);
  return fd === undefined ? PASS : ov.vol.writevSync(fd, args[1], args[2] ?? null);
}

function close(ov: Overlay, args: unknown[]): unknown {
  const fd = volFd(ov, args[0]);
  if (fd === undefined) return PASS;
  ov.fds.delete(fd);
  ov.vol.closeSync(fd);
  return undefined;
}

interface CpOptions {
  recursive?: boolean;
  force?: boolean;
  errorOnExist?: boolean;
  filter?: (src: string, dest: string) => boolean | Promise<boolean>;
}

/** cp over the merged view. The filter may return a promise in the async APIs, so the walk is async there. */
function cp(ov: Overlay, args: unknown[], api: 'sync' | 'callback' | 'promise'): unknown {
  const a = pathArg(args[0]);
  const b = pathArg(args[1]);
  if (!a || !b) return PASS;
  const o = optsObj(args[2]) as CpOptions;
  if (api === 'sync') {
    cpEntry(ov, a.user, b.user, o, true, (s, d) => o.filter?.(s, d) ?? true);
    return undefined;
  }
  return cpAsync(ov, a.user, b.user, o, true);
}

function cpCheck(ov: Overlay, src: string, dest: string, o: CpOptions, top: boolean): 'file' | 'dir' | 'skip' {
  const s = nodePath.resolve(src);
  const d = nodePath.resolve(dest);
  const k = ov.kind(s);
  if (k === null) throw fsError('ENOENT', 'lstat', src);
  if (k === 'dir' && o.recursive !== true) throw isDirError('cp', src);
  if (top) {
    const parent = nodePath.dirname(d);
    if (ov.kind(parent) === null) mkdir(ov, [parent, { recursive: true }]);
  }
  if (k === 'file') {
    const kd = ov.kind(d);
    if (kd !== null && o.force === false) {
      if (o.errorOnExist === true) throw cpExistsError(dest);
      return 'skip';
    }
    ov.parentReady(d, 'cp', src, dest);
    if (kd !== null) ov.remove(d);
    ov.putFile(d, ov.readBytes(s, src), modeOf(ov, s));
    return 'file';
  }
  if (ov.kind(d) === null) {
    ov.parentReady(d, 'cp', src, dest);
    ov.putDir(d);
  }
  return 'dir';
}

function cpEntry(ov: Overlay, src: string, dest: string, o: CpOptions, top: boolean, filter: (s: string, d: string) => unknown): void {
  if (o.filter && filter(src, dest) !== true) return;
  if (cpCheck(ov, src, dest, o, top) !== 'dir') return;
  for (const name of ov.list(nodePath.resolve(src)) ?? []) cpEntry(ov, nodePath.join(src, name), nodePath.join(dest, name), o, false, filter);
}

async function cpAsync(ov: Overlay, src: string, dest: string, o: CpOptions, top: boolean): Promise<void> {
  if (o.filter && (await o.filter(src, dest)) !== true) return;
  if (runInternal(() => cpCheck(ov, src, dest, o, top)) !== 'dir') return;
  for (const name of runInternal(() => ov.list(nodePath.resolve(src))) ?? []) await cpAsync(ov, nodePath.join(src, name), nodePath.join(dest, name), o, false);
}

/** Operation per patched name (without `Sync`); FileHandle methods are memfs's own. */
export const WRITE_OPS: Record<string, Op> = {
  writeFile: writeDataOp(false),
  appendFile: writeDataOp(true),
  mkdir,
  mkdtemp,
  rm,
  rmdir,
  unlink,
  rename,
  copyFile,
  cp,
  truncate,
  ftruncate,
  open,
  write: fdWrite,
  writev: fdWritev,
  close,
};
