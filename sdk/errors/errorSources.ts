/**
 * Source text of the agent's own files on a failing stack, read when the error happens (record time), so the
 * viewer shows the code that ran even after the file is edited. Stored as content-addressed blobs (masked), which
 * export and import carry like any other blob.
 */
import { fileURLToPath } from 'node:url';
import type { SourceSnapshot, StackFrame } from '../../src/shared/trace/types.js';
import type { Recorder } from '../core/recorder.js';
import { orig, sha256 } from '../core/originals.js';
import { codeKind } from '../core/stackFrames.js';

const MAX_FILES = 12;
const MAX_BYTES = 512 * 1024;

export function errorSources(frames: StackFrame[], rec: Recorder): SourceSnapshot[] {
  const out: SourceSnapshot[] = [];
  const seen = new Set<string>();
  for (const f of frames) {
    if (out.length >= MAX_FILES) break;
    if (seen.has(f.url) || codeKind(f.url) !== 'own' || !f.url.startsWith('file:')) continue;
    seen.add(f.url);
    try {
      const bytes = orig.readFileSync(fileURLToPath(f.url));
      if (bytes.byteLength > MAX_BYTES) continue;
      out.push({ url: f.url, sha256: sha256(bytes), text: rec.blob(rec.secrets.maskText(bytes.toString('utf8'))) });
    } catch {
      // Gone or unreadable (a deleted temp file, eval code): the viewer says the source was not captured.
    }
  }
  return out;
}
