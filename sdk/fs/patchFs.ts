/**
 * The fs patch points: functions of the shared `fs` and `fs.promises` objects (patched in place, so CJS requires,
 * default imports and — after syncBuiltinESMExports — named ESM imports all see them), the FileHandle prototype and
 * fs.createWriteStream. Each wrapper only forwards to an FsHooks implementation with a description of the call;
 * recording (fsRecorder.ts) and the replay sandbox (sandboxHooks.ts, a memfs overlay) are two FsHooks over the same
 * points.
 */
import fs from 'node:fs';
import type { FsOp } from '../../src/shared/trace/types.js';
import type { AnyFn, Patcher } from '../determinism/patcher.js';

/** How to read a call's arguments (see fsRecorder.describe). */
export type FsShape = 'data' | 'path' | 'twoPaths' | 'mkdtemp' | 'truncate' | 'ftruncate' | 'fdWrite' | 'fdWritev' | 'open' | 'close';

export interface FsCallSpec {
  /** Where the function lives; for 'handle' (FileHandle methods) the fd is `this.fd` and args start after it. */
  host: 'fs' | 'promises' | 'handle';
  name: string;
  op: FsOp;
  api: 'sync' | 'callback' | 'promise';
  shape: FsShape;
}

export interface FsHooks {
  /** Performs one patched call. Towards the caller it must behave exactly like `original.apply(thisArg, args)`. */
  call(spec: FsCallSpec, original: AnyFn, thisArg: unknown, args: unknown[]): unknown;
  /** Performs fs.createWriteStream (same contract). */
  createWriteStream(original: AnyFn, thisArg: unknown, args: unknown[]): unknown;
}

type Row = [name: string, op: FsOp, shape: FsShape];

/** Mutating calls that exist in all three APIs (sync name = name + 'Sync'). */
const COMMON: Row[] = [
  ['writeFile', 'writeFile', 'data'],
  ['appendFile', 'appendFile', 'data'],
  ['mkdir', 'mkdir', 'path'],
  ['mkdtemp', 'mkdir', 'mkdtemp'],
  ['rm', 'rm', 'path'],
  ['rmdir', 'rmdir', 'path'],
  ['unlink', 'unlink', 'path'],
  ['rename', 'rename', 'twoPaths'],
  ['copyFile', 'copyFile', 'twoPaths'],
  ['cp', 'cp', 'twoPaths'],
  ['truncate', 'truncate', 'truncate'],
  ['open', 'write', 'open'],
];

/** fd-level calls of the fs module (sync and callback). */
const FD_CALLS: Row[] = [
  ['ftruncate', 'truncate', 'ftruncate'],
  ['write', 'write', 'fdWrite'],
  ['writev', 'write', 'fdWritev'],
  ['close', 'write', 'close'],
];

/** FileHandle methods (promise API; the fd is the handle's). */
const HANDLE_CALLS: Row[] = [
  ['write', 'write', 'fdWrite'],
  ['writev', 'write', 'fdWritev'],
  ['writeFile', 'writeFile', 'data'],
  ['appendFile', 'appendFile', 'data'],
  ['truncate', 'truncate', 'ftruncate'],
  ['close', 'write', 'close'],
];

function wrapCall(p: Patcher, hooks: FsHooks, target: object, spec: FsCallSpec): void {
  p.wrap<AnyFn>(target, spec.name, (original) => {
    return function (this: unknown, ...args: unknown[]): unknown {
      return hooks.call(spec, original, this, args);
    };
  });
}

/**
 * Installs every fs patch point over `hooks`. `manyHandleKinds`: promises.open may yield FileHandles of more than
 * one class (the replay sandbox hands out memfs handles too), so every result is looked at, not only the first.
 * `onHandleProto` is told of each FileHandle prototype once, before the caller gets its first handle.
 */
export function installFsPatches(p: Patcher, hooks: FsHooks, manyHandleKinds = false, onHandleProto?: (proto: object) => void): void {
  const fsObj = fs as unknown as Record<string, AnyFn>;
  for (const [name, op, shape] of [...COMMON, ...FD_CALLS]) {
    wrapCall(p, hooks, fsObj, { host: 'fs', name: `${name}Sync`, op, api: 'sync', shape });
    wrapCall(p, hooks, fsObj, { host: 'fs', name, op, api: 'callback', shape });
  }
  for (const [name, op, shape] of COMMON) {
    if (name === 'open') continue; // wrapped below: it also patches the FileHandle prototype
    wrapCall(p, hooks, fs.promises, { host: 'promises', name, op, api: 'promise', shape });
  }

  // FileHandle is not exported: patch its prototype from the first handle promises.open yields, before the
  // caller sees it (every user-visible handle comes from promises.open). Replay hands out two kinds of handles
  // (Node's for untouched disk files, memfs's for sandboxed ones): each prototype is patched once.
  const handleProtos = new WeakSet<object>();
  let patchedOne = false;
  const patchHandles = (h: unknown): void => {
    const proto = h && typeof h === 'object' ? (Object.getPrototypeOf(h) as object | null) : null;
    if (!proto || handleProtos.has(proto)) return;
    handleProtos.add(proto);
    patchedOne = true;
    for (const [name, op, shape] of HANDLE_CALLS) wrapCall(p, hooks, proto, { host: 'handle', name, op, api: 'promise', shape });
    onHandleProto?.(proto);
  };
  const openSpec: FsCallSpec = { host: 'promises', name: 'open', op: 'write', api: 'promise', shape: 'open' };
  p.wrap<AnyFn>(fs.promises, 'open', (original) => {
    return function open(this: unknown, ...args: unknown[]): unknown {
      const r = hooks.call(openSpec, original, this, args);
      if (!(r instanceof Promise) || (!manyHandleKinds && patchedOne)) return r;
      return r.then((h: unknown) => {
        patchHandles(h);
        return h;
      });
    };
  });

  p.wrap<AnyFn>(fsObj, 'createWriteStream', (original) => {
    return function createWriteStream(this: unknown, ...args: unknown[]): unknown {
      return hooks.createWriteStream(original, this, args);
    };
  });
}
