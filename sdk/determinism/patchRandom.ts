/**
 * Patch points for randomness: Math.random, node:crypto (randomUUID, getRandomValues, randomBytes, randomInt,
 * randomFillSync, randomFill) and web crypto (the prototype of globalThis.crypto, so every Crypto instance and
 * `crypto.webcrypto` are covered).
 * IMPORTANT: each wrapper checks isInternal() first (recorder and library internals bypass the tape) and calls the
 * ORIGINAL functions captured here, never another patched one, so a value is recorded exactly once.
 * Callback forms take their value synchronously at call time and deliver it on setImmediate: the tape position
 * then follows program order, not thread-pool completion order, so replay can serve it deterministically.
 */
import crypto from 'node:crypto';
import { isInternal } from '../core/internal.js';
import type { AnyFn, Patcher } from './patcher.js';
import { bytesCodec, type ValueSource } from './valueSource.js';

type Callback = (err: Error | null, value?: unknown) => void;

/**
 * Serves a byte region of `target` from the source: record mode fills it for real (`realFill`) and records the
 * bytes; replay mode gets other bytes back and copies them into the region.
 */
function fillRegion(src: ValueSource, source: string, target: ArrayBufferView | ArrayBuffer, byteOffset: number, byteLength: number, realFill: () => void): void {
  const view = (): Buffer =>
    ArrayBuffer.isView(target)
      ? Buffer.from(target.buffer, target.byteOffset + byteOffset, byteLength)
      : Buffer.from(target, byteOffset, byteLength);
  let live: Uint8Array | undefined;
  const bytes = src.next(
    'crypto',
    source,
    () => {
      realFill();
      live = view();
      return live;
    },
    bytesCodec,
  );
  if (bytes !== live) view().set(bytes.subarray(0, byteLength));
}

/** Byte offset and length of the region randomFill(Sync)(buf, offset, size) fills (offset/size count elements). */
function fillBounds(buf: ArrayBufferView | ArrayBuffer, offset: unknown, size: unknown): [number, number] {
  const el = (buf as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const off = typeof offset === 'number' ? offset * el : 0;
  const len = typeof size === 'number' ? size * el : buf.byteLength - off;
  return [off, len];
}

function lastIsCallback(args: unknown[]): boolean {
  return args.length > 0 && typeof args[args.length - 1] === 'function';
}

export function patchRandom(p: Patcher, src: ValueSource): void {
  p.wrap<() => number>(Math, 'random', (original) => {
    const next = src.numberLane('random', 'Math.random', original);
    return function random(): number {
      if (isInternal()) return original();
      return next();
    };
  });

  const c = crypto as unknown as Record<string, AnyFn>;
  p.wrap(c, 'randomUUID', (original) => {
    return function randomUUID(this: unknown, ...args: unknown[]): string {
      if (isInternal()) return original.apply(this, args) as string;
      return src.next('random', 'crypto.randomUUID', () => original.apply(this, args) as string);
    };
  });

  p.wrap(c, 'randomInt', (original) => {
    return function randomInt(this: unknown, ...args: unknown[]): number | undefined {
      if (isInternal()) return original.apply(this, args) as number | undefined;
      if (!lastIsCallback(args)) return src.next('random', 'crypto.randomInt', () => original.apply(this, args) as number);
      const cb = args[args.length - 1] as Callback;
      const syncArgs = args.slice(0, -1);
      // Argument errors throw synchronously here, exactly as the callback form does.
      const v = src.next('random', 'crypto.randomInt', () => original.apply(this, syncArgs) as number);
      setImmediate(cb, null, v);
      return undefined;
    };
  });

  p.wrap(c, 'randomBytes', (original) => {
    return function randomBytes(this: unknown, ...args: unknown[]): Buffer | undefined {
      if (isInternal() || args.length > 2) return original.apply(this, args) as Buffer | undefined;
      const size = args[0];
      const cb = args[1];
      if (cb !== undefined && typeof cb !== 'function') return original.apply(this, args) as Buffer; // throws as Node does
      const buf = src.next('crypto', 'crypto.randomBytes', () => original.call(this, size) as Buffer, bytesCodec) as Buffer;
      const out = Buffer.isBuffer(buf) ? buf : Buffer.from(buf);
      if (typeof cb === 'function') {
        setImmediate(cb as Callback, null, out);
        return undefined;
      }
      return out;
    };
  });

  const origFillSync = c.randomFillSync;
  p.wrap(c, 'randomFillSync', (original) => {
    return function randomFillSync(this: unknown, ...args: unknown[]): unknown {
      if (isInternal()) return original.apply(this, args);
      const buf = args[0] as ArrayBufferView | ArrayBuffer;
      let result: unknown;
      const run = (): void => {
        result = original.apply(this, args);
      };
      // Validate first: on bad arguments the original throws before we compute a region.
      if (!ArrayBuffer.isView(buf) && !(buf instanceof ArrayBuffer)) return original.apply(this, args);
      const [off, len] = fillBounds(buf, args[1], args[2]);
      fillRegion(src, 'crypto.randomFill', buf, off, len, run);
      return result ?? buf;
    };
  });

  p.wrap(c, 'randomFill', (original) => {
    return function randomFill(this: unknown, ...args: unknown[]): unknown {
      if (isInternal() || !lastIsCallback(args) || !origFillSync) return original.apply(this, args);
      const buf = args[0] as ArrayBufferView | ArrayBuffer;
      if (!ArrayBuffer.isView(buf) && !(buf instanceof ArrayBuffer)) return original.apply(this, args);
      const cb = args[args.length - 1] as Callback;
      const rest = args.slice(1, -1);
      const [off, len] = fillBounds(buf, rest[0], rest[1]);
      // The synchronous original validates the same arguments and throws the same errors.
      fillRegion(src, 'crypto.randomFill', buf, off, len, () => origFillSync.call(crypto, buf, ...rest));
      setImmediate(cb, null, buf);
      return undefined;
    };
  });

  // Web crypto: patch the prototype. node:crypto.getRandomValues is a non-configurable getter whose function
  // delegates to `webcrypto.crypto.getRandomValues(array)`, i.e. to this patched method: it is covered as well and
  // recorded once.
  const web = (globalThis as { crypto?: object }).crypto;
  const proto = web ? (Object.getPrototypeOf(web) as Record<string, AnyFn> | null) : null;
  if (!web || !proto) return;
  p.wrap(proto, 'getRandomValues', (original) => {
    return function getRandomValues(this: unknown, array: ArrayBufferView): ArrayBufferView {
      if (isInternal() || !ArrayBuffer.isView(array)) return original.call(this, array) as ArrayBufferView;
      let result: ArrayBufferView = array;
      fillRegion(src, 'crypto.getRandomValues', array, 0, array.byteLength, () => {
        result = original.call(this, array) as ArrayBufferView;
      });
      return result;
    };
  });
  p.wrap(proto, 'randomUUID', (original) => {
    return function randomUUID(this: unknown): string {
      if (isInternal()) return original.call(this) as string;
      return src.next('random', 'crypto.randomUUID', () => original.call(this) as string);
    };
  });
}
