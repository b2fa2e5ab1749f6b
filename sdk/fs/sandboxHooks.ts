/**
 * Replay-mode FsHooks: the recording hooks (FsRecorder) over sandboxed "originals". FsRecorder describes each call
 * and records its `fs` event exactly as while recording (so the replay's signature matches); the function it runs
 * as the original is the sandbox operation, adapted to the call's API:
 * - sync: the operation's result or error;
 * - callback: the operation runs now, its callback follows on setImmediate (like a thread-pool completion);
 * - promise: the operation runs now, the promise settles on setImmediate.
 * PASS falls through to the real original (real descriptors: stdout, sockets, read-only disk files).
 * Write streams get an `fs` option whose open/write/close are the sandbox's.
 */
import type { AnyFn } from '../determinism/patcher.js';
import { runInternal, runInternalSync } from '../core/internal.js';
import { callbackIndex, toAbsPath } from './fsArgs.js';
import type { FsCallSpec, FsHooks } from './patchFs.js';
import { userPath, withUserPath } from './sandboxErrors.js';
import type { Overlay } from './sandboxOverlay.js';
import { PASS, WRITE_OPS, prepareOpen, volFd, type Op } from './sandboxWrites.js';

type Callback = (err: unknown, ...results: unknown[]) => void;

/** Taken at load: the adapters schedule completions with the real timer function. */
const defer = globalThis.setImmediate;

/** An error thrown for absolute paths, respelled with the caller's path arguments. */
export function respell(e: unknown, args: unknown[]): unknown {
  for (const a of args.slice(0, 2)) {
    if (typeof a !== 'string' && !Buffer.isBuffer(a) && !(a instanceof URL)) continue;
    const abs = toAbsPath(a);
    if (abs !== undefined) withUserPath(e, abs, userPath(a));
  }
  return e;
}

function isThenable(v: unknown): v is Promise<unknown> {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}

/** The callback's result arguments after `err` (Node's shapes: write(err, n, buffer), open(err, fd), ...). */
function resultArgs(spec: FsCallSpec, r: unknown, args: unknown[]): unknown[] {
  if (spec.shape === 'fdWrite' || spec.shape === 'fdWritev') return [r, args[1]];
  return r === undefined ? [] : [r];
}

/** The sandboxed stand-in for `original` with the same calling convention. */
export function sandboxed(ov: Overlay, spec: FsCallSpec, op: Op, original: AnyFn): AnyFn {
  if (spec.api === 'sync') {
    return function (this: unknown, ...args: unknown[]): unknown {
      let r: unknown;
      try {
        // A synchronous call's operation is synchronous: marked internal while it runs, no AsyncLocalStorage (the
        // other two APIs keep it: some of their operations continue asynchronously inside memfs).
        r = runInternalSync(() => op(ov, args, 'sync'));
      } catch (e) {
        throw respell(e, args);
      }
      return r === PASS ? original.apply(this, args) : r;
    };
  }
  if (spec.api === 'callback') {
    return function (this: unknown, ...args: unknown[]): unknown {
      const i = callbackIndex(args);
      if (i < 0) return original.apply(this, args); // Node reports the missing callback itself
      const cb = args[i] as Callback;
      const a = args.slice(0, i);
      let r: unknown;
      try {
        r = runInternal(() => op(ov, a, 'callback'));
      } catch (e) {
        defer(cb, respell(e, a));
        return undefined;
      }
      if (r === PASS) return original.apply(this, args);
      if (isThenable(r)) {
        r.then(
          (v) => defer(() => cb(null, ...resultArgs(spec, v, a))),
          (e: unknown) => defer(cb, respell(e, a)),
        );
      } else defer(() => cb(null, ...resultArgs(spec, r, a)));
      return undefined;
    };
  }
  return function (this: unknown, ...args: unknown[]): unknown {
    let r: unknown;
    try {
      r = runInternal(() => op(ov, args, 'promise'));
    } catch (e) {
      const err = respell(e, args);
      return new Promise((_res, rej) => defer(rej, err));
    }
    if (r === PASS) return original.apply(this, args);
    return new Promise((res, rej) => {
      Promise.resolve(r).then(
        (v) => defer(res, v),
        (e: unknown) => defer(rej, respell(e, args)),
      );
    });
  };
}

/** The `fs` option of a sandboxed write or read stream (Node streams call these with callbacks). */
export function streamFs(ov: Overlay, real: Record<string, AnyFn>): Record<string, AnyFn> {
  const run = (cb: Callback, fn: () => unknown, extra?: unknown): void => {
    let r: unknown;
    try {
      r = runInternal(fn);
    } catch (e) {
      defer(cb, e);
      return;
    }
    defer(cb, null, r, extra);
  };
  return {
    open(path: unknown, flags: unknown, mode: unknown, cb: Callback): void {
      let abs: unknown;
      try {
        abs = runInternal(() => prepareOpen(ov, path, flags ?? 'r'));
      } catch (e) {
        defer(cb, respell(e, [path]));
        return;
      }
      if (abs === PASS) {
        real.open(path, flags, mode, cb);
        return;
      }
      run(cb, () => {
        const fd = ov.vol.openSync(abs as string, flags ?? 'r', mode);
        ov.fds.add(fd);
        return fd;
      });
    },
    write(fd: number, buffer: unknown, offset: unknown, length: unknown, position: unknown, cb: Callback): void {
      if (!ov.fds.has(fd)) real.write(fd, buffer, offset, length, position, cb);
      else run(cb, () => ov.vol.writeSync(fd, buffer, offset, length, position), buffer);
    },
    writev(fd: number, buffers: unknown, position: unknown, cb: Callback): void {
      if (!ov.fds.has(fd)) real.writev(fd, buffers, position, cb);
      else run(cb, () => ov.vol.writevSync(fd, buffers, position ?? null), buffers);
    },
    read(fd: number, buffer: unknown, offset: unknown, length: unknown, position: unknown, cb: Callback): void {
      if (!ov.fds.has(fd)) real.read(fd, buffer, offset, length, position, cb);
      else run(cb, () => ov.vol.readSync(fd, buffer, offset, length, position), buffer);
    },
    close(fd: number, cb: Callback): void {
      if (!ov.fds.has(fd)) real.close(fd, cb);
      else
        run(cb, () => {
          ov.fds.delete(fd);
          ov.vol.closeSync(fd);
          return undefined;
        });
    },
    fsync(fd: number, cb: Callback): void {
      if (!ov.fds.has(fd)) real.fsync(fd, cb);
      else defer(cb, null);
    },
  };
}

export class SandboxHooks implements FsHooks {
  private readonly streamFs: Record<string, AnyFn>;

  /** `recorder` records the events (FsRecorder); `real` holds the original fs functions (taken before patching). */
  constructor(
    private readonly ov: Overlay,
    private readonly recorder: FsHooks,
    real: Record<string, AnyFn>,
  ) {
    this.streamFs = streamFs(ov, real);
  }

  call(spec: FsCallSpec, original: AnyFn, thisArg: unknown, args: unknown[]): unknown {
    // FileHandle methods: sandboxed handles are memfs's own (they write to the volume); real ones are read-only.
    if (spec.host === 'handle') return this.recorder.call(spec, original, thisArg, args);
    const op = WRITE_OPS[spec.api === 'sync' ? spec.name.slice(0, -4) : spec.name];
    if (!op) return this.recorder.call(spec, original, thisArg, args);
    return this.recorder.call(spec, sandboxed(this.ov, spec, op, original), thisArg, args);
  }

  createWriteStream(original: AnyFn, thisArg: unknown, args: unknown[]): unknown {
    const o = args[1];
    const opts: Record<string, unknown> = typeof o === 'string' ? { encoding: o } : o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
    // The agent's own `fs` option, or a real descriptor (stdout...), is left alone.
    const ownFs = opts.fs !== undefined && opts.fs !== null;
    const realFd = opts.fd !== undefined && opts.fd !== null && volFd(this.ov, opts.fd) === undefined;
    if (ownFs || realFd) return this.recorder.createWriteStream(original, thisArg, args);
    return this.recorder.createWriteStream(original, thisArg, [args[0], { ...opts, fs: this.streamFs }, ...args.slice(2)]);
  }

  /** The stream `fs` for sandboxed read streams too. */
  get streams(): Record<string, AnyFn> {
    return this.streamFs;
  }
}
