/**
 * Replay only: file metadata changes (mode, owner, timestamps) never reach the disk. On a path they are applied to
 * the file's copy in the volume (copied up first), so the agent's own stat sees them; on a volume descriptor they
 * go to memfs; on a real descriptor (a disk file opened for reading) they are dropped — the call succeeds, the disk
 * file keeps its mode, owner and times. Each is counted for the verdict (containment.ts).
 * Plus the FileHandle methods (chmod, chown, utimes) of Node's own handles, which only disk files opened for reading
 * have in a replay: dropped the same way.
 */
import type { AnyFn, Patcher } from '../determinism/patcher.js';
import { noteFsMeta } from '../replay/containment.js';
import { toAbsPath } from './fsArgs.js';
import { fsError, userPath } from './sandboxErrors.js';
import type { Overlay } from './sandboxOverlay.js';
import { PASS, volFd } from './sandboxWrites.js';

type MetaOp = (ov: Overlay, args: unknown[]) => unknown;
type VolMeta = Record<string, (...a: unknown[]) => unknown>;

/** chmod / chown / utimes on a path: copied up, changed in the volume. */
export function metaOp(syscall: string, volFn: string): MetaOp {
  return (ov, args) => {
    const abs = toAbsPath(args[0]);
    if (abs === undefined) return PASS;
    if (ov.kind(abs) === null) throw fsError('ENOENT', syscall, userPath(args[0]));
    ov.copyUp(abs);
    (ov.vol as unknown as VolMeta)[volFn](abs, ...args.slice(1));
    noteFsMeta();
    return undefined;
  };
}

/** fchmod / fchown / futimes: a volume descriptor's file changes in the volume; a real descriptor's is left alone. */
function fdMetaOp(volFn: string): MetaOp {
  return (ov, args) => {
    const fd = volFd(ov, args[0]);
    if (fd !== undefined) (ov.vol as unknown as VolMeta)[volFn](fd, ...args.slice(1));
    else if (typeof args[0] !== 'number') return PASS; // Node rejects the argument itself
    noteFsMeta();
    return undefined;
  };
}

export interface MetaRow {
  name: string;
  op: MetaOp;
  sync?: boolean;
  callback?: boolean;
  promise?: boolean;
}

/** Every metadata call of fs and fs.promises (lchmod exists on macOS only; missing functions are skipped). */
export const META_ROWS: MetaRow[] = [
  { name: 'chmod', op: metaOp('chmod', 'chmodSync'), sync: true, callback: true, promise: true },
  { name: 'lchmod', op: metaOp('lchmod', 'lchmodSync'), sync: true, callback: true, promise: true },
  { name: 'chown', op: metaOp('chown', 'chownSync'), sync: true, callback: true, promise: true },
  { name: 'lchown', op: metaOp('lchown', 'lchownSync'), sync: true, callback: true, promise: true },
  { name: 'utimes', op: metaOp('utime', 'utimesSync'), sync: true, callback: true, promise: true },
  { name: 'lutimes', op: metaOp('lutime', 'lutimesSync'), sync: true, callback: true, promise: true },
  { name: 'fchmod', op: fdMetaOp('fchmodSync'), sync: true, callback: true },
  { name: 'fchown', op: fdMetaOp('fchownSync'), sync: true, callback: true },
  { name: 'futimes', op: fdMetaOp('futimesSync'), sync: true, callback: true },
];

const defer = globalThis.setImmediate;

/** Patches chmod / chown / utimes of a FileHandle prototype that is Node's own (not memfs's): dropped, counted. */
export function sealHandleMeta(p: Patcher, proto: object): void {
  for (const name of ['chmod', 'chown', 'utimes']) {
    p.wrap<AnyFn>(proto, name, () => {
      return function (this: unknown): Promise<void> {
        noteFsMeta();
        return new Promise((res) => defer(res));
      };
    });
  }
}
