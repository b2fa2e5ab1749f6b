/**
 * getSource: a user file's text as the run recorded it. Sources come from the run's error events (every own file on
 * the failing stack, captured when the error happened) and from the run's metadata (the script, at start); the
 * error's copy wins because it is what ran when the run failed. The file on disk is hashed to say whether it was
 * edited since.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SourceView } from '../../shared/rpc/contract.js';
import type { ErrorPayload } from '../../shared/trace/types.js';
import { NotFoundError } from '../errors.js';
import type { TraceStore } from '../store/store.js';
import { utf8Text } from './blobText.js';

export function getSourceView(store: TraceStore, runId: string, file: string): SourceView {
  const run = store.getRun(runId);
  const url = toUrl(file);
  const path = url.startsWith('file:') ? fileURLToPath(url) : file;
  const errors = store.lineage(run).events({ kinds: ['error'] });
  for (let i = errors.length - 1; i >= 0; i--) {
    const src = (errors[i].payload as ErrorPayload).sources?.find((s) => s.url === url);
    const bytes = src ? store.getBlob(src.text.blob) : undefined;
    const text = bytes ? utf8Text(bytes) : undefined;
    if (src && text !== undefined) return { url, path, text, sha256: src.sha256, capturedAt: 'error', changedOnDisk: changedOnDisk(path, src.sha256) };
  }
  if (run.scriptSource !== undefined && toUrl(run.scriptPath) === url) {
    return { url, path, text: run.scriptSource, sha256: run.scriptSha256, capturedAt: 'start', changedOnDisk: changedOnDisk(path, run.scriptSha256) };
  }
  throw new NotFoundError(`run ${run.id} recorded no source for ${path}`, 'sources are kept for the script and for files on the stack of an error', { file });
}

function toUrl(file: string): string {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? pathToFileURL(file).href : file;
}

/** Whether the file's bytes on disk differ from the recorded sha256 (a deleted file has changed); null if unknown. */
function changedOnDisk(path: string, sha256: string): boolean | null {
  if (!sha256) return null;
  try {
    return createHash('sha256').update(fs.readFileSync(path)).digest('hex') !== sha256;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? true : null;
  }
}
