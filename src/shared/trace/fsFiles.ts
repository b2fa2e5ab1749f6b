/**
 * The agent's files between keyframes: path → blob hash of its content (null: deleted), advanced by each fs event.
 * One definition for the recorder (keyframes carry the files) and the store (state at a step = keyframe + events).
 */
import type { FsPayload } from './types.js';

export function applyFsEvent(files: Record<string, string | null>, p: FsPayload | undefined): void {
  if (!p || p.error) return;
  if ((p.op === 'writeFile' || p.op === 'createWriteStream') && p.content) files[p.path] = p.content.blob;
  else if (p.op === 'unlink' || p.op === 'rm' || p.op === 'rmdir') files[p.path] = null;
  else if ((p.op === 'rename' || p.op === 'copyFile') && p.dest) {
    if (p.path in files) files[p.dest] = files[p.path];
    if (p.op === 'rename' && p.path in files) files[p.path] = null;
  }
}
