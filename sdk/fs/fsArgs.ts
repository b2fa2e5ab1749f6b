/**
 * Argument decoding shared by the fs patch points: which path an fs call targets, which bytes it writes, whether
 * flags open a file for writing. Pure helpers over Node's documented call signatures; they never throw.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:fs';

/** Absolute path of a path-like argument (string, Buffer, file: URL); undefined for anything else (fds, handles). */
export function toAbsPath(p: unknown): string | undefined {
  try {
    if (typeof p === 'string') return path.resolve(p);
    if (Buffer.isBuffer(p)) return path.resolve(p.toString('utf8'));
    if (p instanceof URL) return p.protocol === 'file:' ? fileURLToPath(p) : undefined;
  } catch {
    // An invalid path: the fs call itself will report it.
  }
  return undefined;
}

/** The encoding named by an fs options argument (a string or `{ encoding }`), utf8 by default. */
export function encodingOf(opts: unknown, fallback: BufferEncoding = 'utf8'): BufferEncoding {
  if (typeof opts === 'string' && Buffer.isEncoding(opts)) return opts;
  if (opts && typeof opts === 'object') {
    const enc = (opts as { encoding?: unknown }).encoding;
    if (typeof enc === 'string' && Buffer.isEncoding(enc)) return enc;
  }
  return fallback;
}

/** The `flag` of a writeFile/appendFile options argument, if any. */
export function flagOf(opts: unknown): string | undefined {
  if (opts && typeof opts === 'object') {
    const f = (opts as { flag?: unknown }).flag;
    if (typeof f === 'string') return f;
  }
  return undefined;
}

/** A view of the bytes of string or binary data; undefined for other data (iterables, streams). */
export function bytesOf(data: unknown, encoding: BufferEncoding): Buffer | undefined {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** A private copy (callback and promise writes complete later; the caller may reuse its buffer meanwhile). */
export function copyBytes(b: Buffer | undefined): Buffer | undefined {
  return b === undefined ? undefined : Buffer.from(b);
}

const WRITE_BITS = constants.O_WRONLY | constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_TRUNC;

/** True when open flags ('w', 'a+', 'r+', O_WRONLY|...) allow writing. Default flags ('r') do not. */
export function isWriteFlags(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & WRITE_BITS) !== 0;
  if (typeof flags === 'string') return /[wa+]/.test(flags);
  return false;
}

/**
 * The bytes an fd write call wrote, given its arguments after the fd and the bytes-written count:
 * `(buffer, offset?, length?, position?)`, `(buffer, { offset, length, position })` or `(string, position?, encoding?)`.
 */
export function fdWriteBytes(rest: unknown[], written: number): Buffer | undefined {
  const data = rest[0];
  if (typeof data === 'string') {
    const enc = typeof rest[2] === 'string' && Buffer.isEncoding(rest[2]) ? rest[2] : 'utf8';
    return Buffer.from(data, enc).subarray(0, written);
  }
  if (!ArrayBuffer.isView(data)) return undefined;
  const all = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  if (typeof rest[1] === 'number') offset = rest[1];
  else if (rest[1] && typeof rest[1] === 'object') offset = Number((rest[1] as { offset?: number }).offset ?? 0);
  return all.subarray(offset, offset + written);
}

/** The bytes of a writev call: the buffers concatenated, cut to the bytes written. */
export function writevBytes(buffers: unknown, written: number): Buffer | undefined {
  if (!Array.isArray(buffers)) return undefined;
  const parts = buffers.filter((b): b is ArrayBufferView => ArrayBuffer.isView(b)).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return Buffer.concat(parts).subarray(0, written);
}

/** Index of the trailing callback, or -1. */
export function callbackIndex(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) {
    if (typeof args[i] === 'function') return i;
    if (args[i] !== undefined) return -1;
  }
  return -1;
}

/** `ENOENT: no such file or directory, open '/x'` style text of an fs error. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
