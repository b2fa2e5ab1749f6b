/**
 * What a host hands to its agent before the agent's code runs (the replay tape, the record start signal): a file, or
 * an inherited descriptor named `/dev/fd/N`. A descriptor is read from itself to its end (a socket cannot be opened
 * by its /dev/fd name), then closed: nothing of it stays open to the agent. Blocks until the host closes its end.
 * A descriptor that is not a pipe or socket is not a handover (with none passed, node's own event loop holds fd 3):
 * it is refused and left open.
 */
import { orig } from './originals.js';

/** Reads the whole handover as UTF-8; throws what reading threw. */
export function readHandover(file: string): string {
  const fd = Number(/^\/dev\/fd\/(\d+)$/.exec(file)?.[1] ?? -1);
  if (fd <= 2) return orig.readFileSync(file, 'utf8') as string;
  const st = orig.fstatSync(fd);
  if (!st.isFIFO() && !st.isSocket()) throw new Error(`descriptor ${fd} is not a pipe`);
  try {
    return orig.readFileSync(fd, 'utf8') as string;
  } finally {
    try {
      orig.closeSync(fd);
    } catch {
      // Already closed: nothing is left open.
    }
  }
}
