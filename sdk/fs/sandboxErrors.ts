/**
 * Errors of the fs sandbox, shaped like Node's own (`ENOENT: no such file or directory, open 'out.txt'`, with errno,
 * code, syscall, path, dest): an agent that prints or branches on an fs error sees during replay what it saw while
 * recording. Paths in messages are the caller's own strings (Node does not resolve them), never the absolute form.
 */
import { fileURLToPath } from 'node:url';

const ERRNO: Record<string, [number, string]> = {
  ENOENT: [-2, 'no such file or directory'],
  EEXIST: [-17, 'file already exists'],
  EISDIR: [-21, 'illegal operation on a directory'],
  ENOTDIR: [-20, 'not a directory'],
  ENOTEMPTY: [-39, 'directory not empty'],
  EBADF: [-9, 'bad file descriptor'],
  EINVAL: [-22, 'invalid argument'],
};

export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'ENOTEMPTY' | 'EBADF' | 'EINVAL';

/** A Node-style system error. */
export function fsError(code: FsErrorCode, syscall: string, path?: string, dest?: string): NodeJS.ErrnoException {
  const [errno, desc] = ERRNO[code];
  let msg = `${code}: ${desc}, ${syscall}`;
  if (path !== undefined) msg += ` '${path}'`;
  if (dest !== undefined) msg += ` -> '${dest}'`;
  const e = new Error(msg) as NodeJS.ErrnoException & { dest?: string };
  e.errno = errno;
  e.code = code;
  e.syscall = syscall;
  if (path !== undefined) e.path = path;
  if (dest !== undefined) e.dest = dest;
  return e;
}

/** Node's SystemError for rm/cp of a directory without `recursive`. */
export function isDirError(syscall: 'rm' | 'cp', path: string): Error {
  const detail = syscall === 'rm' ? 'is a directory' : `${path} is a directory (not copied)`;
  const e = new Error(`Path is a directory: ${syscall} returned EISDIR (${detail}) ${path}`) as NodeJS.ErrnoException;
  e.code = 'ERR_FS_EISDIR';
  e.errno = 21;
  e.syscall = syscall;
  e.path = path;
  return e;
}

/** Node's error for cp onto an existing file with `force: false, errorOnExist: true`. */
export function cpExistsError(dest: string): Error {
  const e = new Error(`Target already exists: cp returned EEXIST (${dest} already exists) ${dest}`) as NodeJS.ErrnoException;
  e.code = 'ERR_FS_CP_EEXIST';
  e.errno = 17;
  e.syscall = 'cp';
  e.path = dest;
  return e;
}

/** The caller's spelling of a path argument, for messages. */
export function userPath(p: unknown): string {
  if (typeof p === 'string') return p;
  if (Buffer.isBuffer(p)) return p.toString('utf8');
  if (p instanceof URL) {
    try {
      return fileURLToPath(p);
    } catch {
      return p.href;
    }
  }
  return String(p);
}

/** An error thrown by memfs for an absolute path, rewritten to the caller's spelling. */
export function withUserPath(e: unknown, abs: string, user: string): unknown {
  if (abs === user || !(e instanceof Error)) return e;
  const ne = e as NodeJS.ErrnoException;
  try {
    if (ne.path === abs) ne.path = user;
    ne.message = ne.message.split(`'${abs}'`).join(`'${user}'`);
  } catch {
    // Frozen error: keep it as it is.
  }
  return e;
}
