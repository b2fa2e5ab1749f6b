/**
 * The agent's files between keyframes: path → blob hash of its content (null: deleted), advanced by each fs event.
 * One definition for the recorder (keyframes carry the files) and the store (state at a step = keyframe + events).
 */
import type { FsPayload } from './types.js';

export function applyFsEvent(files: Record<string, string | null>, p: FsPayload | undefined): void {
  if (!p || p.error) return;
  switch (p.op) {
    case 'writeFile':
    case 'createWriteStream':
      if (p.content) files[p.path] = p.content.blob;
      return;
    case 'write':
    case 'appendFile':
    case 'truncate':
      // Partial writes (fd, FileHandle, stream, append): only the read-back whole file says what the file holds.
      if (p.after) files[p.path] = p.after.blob;
      return;
    case 'unlink':
    case 'rm':
    case 'rmdir':
      files[p.path] = null;
      return;
    case 'rename':
    case 'copyFile':
      if (!p.dest) return;
      // The destination's content as read back after the call; older traces only moved what the agent had written.
      if (p.content) files[p.dest] = p.content.blob;
      else if (p.path in files) files[p.dest] = files[p.path];
      if (p.op === 'rename' && (p.content || p.path in files)) files[p.path] = null;
      return;
    default:
  }
}

/**
 * Where renamed files went, from the fs events up to a step in order: source path → destination. A source written
 * again afterwards is no longer "renamed"; a destination renamed again gets its own entry.
 */
export function fileRenames(events: Iterable<FsPayload>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of events) {
    if (p.error) continue;
    if (p.op === 'rename' && p.dest) {
      out[p.path] = p.dest;
      delete out[p.dest];
    } else if (p.op === 'writeFile' || p.op === 'createWriteStream' || p.op === 'write' || p.op === 'appendFile' || p.op === 'copyFile') {
      delete out[p.op === 'copyFile' && p.dest ? p.dest : p.path];
    }
  }
  return out;
}
