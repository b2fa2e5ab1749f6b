/**
 * Record-mode FsHooks: every patched call still reaches the real disk; successful and failed mutations become `fs`
 * events (absolute path, size, content blob for data writes).
 * IMPORTANT: the original runs in the internal context. Node's fs implements writeFile with fs.open/fs.write, cp and rm
 * with lstat/mkdir/copyFile..., all through the same patched object: the internal context makes those nested
 * calls pass straight through, so one user call is one event. User callbacks are invoked through runExternal so
 * the agent's own code after them is recorded again.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { BlobRef, FsOp, FsPayload } from '../../src/shared/trace/types.js';
import type { Recorder } from '../core/recorder.js';
import { isInternal, runExternal, runInternal, runInternalSync } from '../core/internal.js';
import type { AnyFn } from '../determinism/patcher.js';
import type { FsCallSpec, FsHooks } from './patchFs.js';
import { bytesOf, callbackIndex, copyBytes, encodingOf, errorText, fdWriteBytes, flagOf, isWriteFlags, toAbsPath, writevBytes } from './fsArgs.js';

/** Larger writes are recorded with their size only (the journal would balloon). */
export const MAX_CONTENT = 8 * 1024 * 1024;

/**
 * Largest file read back after a partial write (fd, FileHandle or stream write, appendFile, truncate) or a rename,
 * so the Files tab can show the whole file at that step. Every chunk of a growing file is read again: the cap keeps a
 * long log written line by line from costing quadratic time. Larger files keep the chunk only.
 */
export const MAX_READBACK = 1024 * 1024;

/** Ops whose recorded bytes are not the whole file: the file is read back after them. */
const PARTIAL_OPS: ReadonlySet<FsOp> = new Set<FsOp>(['write', 'appendFile', 'truncate']);

/** What a call is about, decided before it runs; null means "not ours to record". */
interface Described {
  op: FsOp;
  path: string;
  dest?: string;
  bytes?: Buffer;
  size?: number;
  /** Arguments after the fd, for fd writes (bytes are known only once the write reports its count). */
  rest?: unknown[];
  flags?: unknown;
}

export interface FsRecorderOptions {
  /** Paths never recorded: the journal, and everything under these directories (AGENTTRACE_HOME). */
  ownFiles: string[];
  ownDirs: string[];
  /**
   * The whole file at `abs` right after a call, or undefined (missing, a directory, larger than `max` bytes).
   * Default: the disk; the replay sandbox reads its overlay (nothing of the replay is on disk).
   */
  readBack?: (abs: string, max: number) => Buffer | undefined;
}

export class FsRecorder implements FsHooks {
  /** fds the agent opened for writing -> absolute path. */
  private readonly fds = new Map<number, string>();
  /** The original fs functions handed to write streams, so their internal open/write/close are never recorded. */
  private readonly streamFs: Record<string, AnyFn>;

  /** Must be constructed before the patches are installed (it keeps the original stream functions). */
  constructor(
    private readonly rec: Recorder,
    private readonly opts: FsRecorderOptions,
  ) {
    this.streamFs = { open: fs.open, write: fs.write, writev: fs.writev, close: fs.close, fsync: fs.fsync } as unknown as Record<string, AnyFn>;
    this.readBack = opts.readBack ?? readSmall;
  }

  private readonly readBack: (abs: string, max: number) => Buffer | undefined;

  call(spec: FsCallSpec, original: AnyFn, thisArg: unknown, args: unknown[]): unknown {
    if (spec.shape === 'close') this.forget(spec.host === 'handle' ? fdOfHandle(thisArg) : args[0]);
    if (isInternal() || spec.shape === 'close') return original.apply(thisArg, args);
    let d: Described | null = null;
    try {
      d = this.describe(spec, thisArg, args);
    } catch (e) {
      this.rec.fault('file capture', e);
    }
    if (!d) {
      if (spec.shape !== 'open' || spec.api !== 'sync') return original.apply(thisArg, args);
      // A read-only open may reuse the number of an fd we never saw closed; forget it.
      const fd: unknown = original.apply(thisArg, args);
      this.forget(fd);
      return fd;
    }
    const desc = d;
    if (spec.api === 'sync') {
      let r: unknown;
      try {
        r = runInternalSync(() => original.apply(thisArg, args));
      } catch (e) {
        this.finish(spec, desc, e, undefined);
        throw e;
      }
      this.finish(spec, desc, null, r);
      return r;
    }
    if (spec.api === 'callback') {
      const i = callbackIndex(args);
      if (i < 0) return original.apply(thisArg, args); // Node reports the missing callback itself
      const cb = args[i] as AnyFn;
      const wrapped = args.slice();
      const done = (err: unknown, result: unknown): void => this.finish(spec, desc, err ?? null, result);
      wrapped[i] = function (this: unknown, err: unknown, ...rest: unknown[]): unknown {
        done(err, rest[0]);
        return runExternal(() => cb.call(this, err, ...rest));
      };
      return runInternal(() => original.apply(thisArg, wrapped));
    }
    const pr = runInternal(() => original.apply(thisArg, args)) as Promise<unknown>;
    if (!pr || typeof pr.then !== 'function') return pr;
    return pr.then(
      (r) => {
        this.finish(spec, desc, null, r);
        return r;
      },
      (e: unknown) => {
        this.finish(spec, desc, e, undefined);
        throw e;
      },
    );
  }

  createWriteStream(original: AnyFn, thisArg: unknown, args: unknown[]): unknown {
    if (isInternal()) return original.apply(thisArg, args);
    let path: string | undefined;
    let next = args;
    try {
      const opts: Record<string, unknown> =
        typeof args[1] === 'string' ? { encoding: args[1] } : args[1] && typeof args[1] === 'object' ? (args[1] as Record<string, unknown>) : {};
      // A FileHandle fd writes through the (patched) handle methods, which record it already.
      path = opts.fd != null ? (typeof opts.fd === 'number' ? this.fds.get(opts.fd) : undefined) : toAbsPath(args[0]);
      if (path === undefined || this.isOwn(path)) return original.apply(thisArg, args);
      if (!opts.fs) next = [args[0], { ...opts, fs: this.streamFs }, ...args.slice(2)];
    } catch (e) {
      this.rec.fault('file capture', e);
      return original.apply(thisArg, args);
    }
    const ws = original.apply(thisArg, next) as WritableInternals;
    const file = path;
    this.record('createWriteStream', 'stream', file, undefined, null);
    this.wrapStreamWrites(ws, file);
    return ws;
  }

  /** Records each chunk once the stream has written it to disk. */
  private wrapStreamWrites(ws: WritableInternals, file: string): void {
    const record = (err: Error | null | undefined, bytes: Buffer | undefined): void => this.record('write', 'stream', file, undefined, err ?? null, bytes, undefined, err ? undefined : this.readBackSafe(file, MAX_READBACK));
    const write = ws._write;
    if (typeof write === 'function') {
      ws._write = function (this: unknown, chunk: unknown, encoding: BufferEncoding, cb: (err?: Error | null) => void): unknown {
        const bytes = copyBytes(bytesOf(chunk, encoding));
        return write.call(this, chunk, encoding, (err?: Error | null) => {
          record(err, bytes);
          cb(err);
        });
      };
    }
    const writev = ws._writev;
    if (typeof writev === 'function') {
      ws._writev = function (this: unknown, chunks: { chunk: unknown; encoding: BufferEncoding }[], cb: (err?: Error | null) => void): unknown {
        const parts = chunks.map((c) => bytesOf(c.chunk, c.encoding)).filter((b): b is Buffer => b !== undefined);
        const bytes = Buffer.concat(parts);
        return writev.call(this, chunks, (err?: Error | null) => {
          record(err, bytes);
          cb(err);
        });
      };
    }
  }

  private describe(spec: FsCallSpec, thisArg: unknown, args: unknown[]): Described | null {
    const handle = spec.host === 'handle';
    const async = spec.api !== 'sync';
    switch (spec.shape) {
      case 'data': {
        const target = handle ? thisArg : args[0];
        const data = handle ? args[0] : args[1];
        const opts = handle ? args[1] : args[2];
        const path = this.pathOf(target);
        if (!path) return null;
        // On an fd or FileHandle, writeFile/appendFile write at the current position without truncating: a 'write'.
        const onFd = typeof target === 'number' || (typeof target === 'object' && toAbsPath(target) === undefined);
        const append = spec.op === 'appendFile' || (flagOf(opts) ?? '').startsWith('a');
        const bytes = bytesOf(data, encodingOf(opts));
        return { op: onFd ? 'write' : append ? 'appendFile' : 'writeFile', path, bytes: async ? copyBytes(bytes) : bytes };
      }
      case 'path':
      case 'mkdtemp': {
        const path = toAbsPath(args[0]);
        return path && !this.isOwn(path) ? { op: spec.op, path } : null;
      }
      case 'twoPaths': {
        const path = toAbsPath(args[0]);
        const dest = toAbsPath(args[1]);
        return path && dest && !this.isOwn(path) && !this.isOwn(dest) ? { op: spec.op, path, dest } : null;
      }
      case 'truncate': {
        const path = this.pathOf(args[0]);
        return path ? { op: 'truncate', path, size: typeof args[1] === 'number' ? args[1] : 0 } : null;
      }
      case 'ftruncate': {
        const path = this.fds.get(Number(handle ? fdOfHandle(thisArg) : args[0]));
        const len = handle ? args[0] : args[1];
        return path ? { op: 'truncate', path, size: typeof len === 'number' ? len : 0 } : null;
      }
      case 'fdWrite':
      case 'fdWritev': {
        const path = this.fds.get(Number(handle ? fdOfHandle(thisArg) : args[0]));
        if (!path) return null;
        const rest = handle ? args.slice() : args.slice(1);
        // Async writes complete later: keep a copy of what was handed over, not the caller's reusable buffer.
        if (async) rest[0] = spec.shape === 'fdWrite' ? (typeof rest[0] === 'string' ? rest[0] : copyBytes(bytesOf(rest[0], 'utf8'))) : snapshotBuffers(rest[0]);
        return { op: 'write', path, rest };
      }
      case 'open': {
        const path = toAbsPath(args[0]);
        return path && !this.isOwn(path) ? { op: 'write', path, flags: args[1] } : null;
      }
      default:
        return null;
    }
  }

  /** After the real call: update the fd table or emit the event. Never throws. */
  private finish(spec: FsCallSpec, d: Described, err: unknown, result: unknown): void {
    try {
      if (spec.shape === 'open') {
        if (err) return;
        const fd = typeof result === 'number' ? result : fdOfHandle(result);
        if (isWriteFlags(d.flags)) this.fds.set(fd, d.path);
        else this.fds.delete(fd);
        return;
      }
      let path = d.path;
      let bytes = d.bytes;
      if (!err && spec.shape === 'mkdtemp') path = toAbsPath(result) ?? path;
      if (!err && (spec.shape === 'fdWrite' || spec.shape === 'fdWritev')) {
        const written = typeof result === 'number' ? result : Number((result as { bytesWritten?: number } | undefined)?.bytesWritten ?? 0);
        bytes = spec.shape === 'fdWrite' ? fdWriteBytes(d.rest ?? [], written) : writevBytes(d.rest?.[0], written);
      }
      // copyFile and rename record what landed at the destination (a renamed file may never have been written by
      // the agent, or may replace an existing one): the Files tab then shows it moved, not deleted.
      if (!err && (d.op === 'copyFile' || d.op === 'rename') && d.dest) bytes = this.readBackSafe(d.dest, MAX_CONTENT);
      const after = !err && PARTIAL_OPS.has(d.op) ? this.readBackSafe(path, MAX_READBACK) : undefined;
      this.record(d.op, spec.api, path, d.dest, err, bytes, d.size, after);
    } catch (e) {
      this.rec.fault('file capture', e);
    }
  }

  /** Emits one fs event. Never throws. */
  private record(op: FsOp, api: FsPayload['api'], path: string, dest: string | undefined, err: unknown, bytes?: Buffer, size?: number, after?: Buffer): void {
    try {
      const payload: FsPayload = { op, path: this.mask(path), api };
      if (dest !== undefined) payload.dest = this.mask(dest);
      if (err) payload.error = this.mask(errorText(err));
      else if (bytes !== undefined) {
        payload.size = bytes.byteLength;
        const content = this.content(bytes);
        if (content) payload.content = content;
      } else if (size !== undefined) payload.size = size;
      if (!err && after !== undefined) {
        const whole = this.content(after);
        if (whole) payload.after = whole;
      }
      this.rec.emit('fs', payload);
    } catch (e) {
      this.rec.fault('file capture', e);
    }
  }

  /** The content blob: UTF-8 text is secret-masked first (the blob then holds the masked text). */
  private content(bytes: Buffer): BlobRef | undefined {
    if (bytes.byteLength > MAX_CONTENT) return undefined;
    const text = utf8OrUndefined(bytes);
    if (text === undefined) return this.rec.blob(bytes);
    const masked = this.rec.secrets.maskText(text);
    return this.rec.blob(masked === text ? bytes : masked);
  }

  /** readBack inside the internal context (its own fs calls are not the agent's); never throws. */
  private readBackSafe(abs: string, max: number): Buffer | undefined {
    try {
      return runInternalSync(() => this.readBack(abs, max));
    } catch {
      return undefined;
    }
  }

  private mask(s: string): string {
    return this.rec.secrets.maskText(s);
  }

  private pathOf(target: unknown): string | undefined {
    if (typeof target === 'number') return this.fds.get(target);
    if (target && typeof target === 'object' && typeof (target as { fd?: unknown }).fd === 'number' && !(target instanceof URL) && !Buffer.isBuffer(target)) {
      return this.fds.get((target as { fd: number }).fd);
    }
    const p = toAbsPath(target);
    return p && !this.isOwn(p) ? p : undefined;
  }

  private forget(fd: unknown): void {
    if (typeof fd === 'number') this.fds.delete(fd);
  }

  private isOwn(p: string): boolean {
    return this.opts.ownFiles.includes(p) || this.opts.ownDirs.some((d) => p === d || p.startsWith(d.endsWith(nodePath.sep) ? d : d + nodePath.sep));
  }
}

interface WritableInternals {
  _write?: AnyFn;
  _writev?: AnyFn;
}

function fdOfHandle(h: unknown): number {
  return h && typeof h === 'object' ? Number((h as { fd?: unknown }).fd) : NaN;
}

function snapshotBuffers(buffers: unknown): Buffer[] | undefined {
  if (!Array.isArray(buffers)) return undefined;
  return buffers.filter((b): b is ArrayBufferView => ArrayBuffer.isView(b)).map((b) => Buffer.from(Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
}

/** A regular file's bytes from the disk when at most `max` bytes. */
function readSmall(p: string, max: number): Buffer | undefined {
  try {
    return runInternalSync(() => {
      const st = fs.statSync(p);
      return st.isFile() && st.size <= max ? fs.readFileSync(p) : undefined;
    });
  } catch {
    return undefined;
  }
}

function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
