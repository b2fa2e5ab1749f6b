/**
 * Bodies and files as the inspector shows them: text when the bytes are valid UTF-8 and small enough to render,
 * otherwise a note with the size (the UI never receives megabytes it cannot show).
 */
import type { FileView, ResolvedBody } from '../../shared/rpc/contract.js';
import type { Body } from '../../shared/trace/types.js';
import type { TraceStore } from '../store/store.js';

/** Largest body or file sent to the UI as text. */
export const MAX_TEXT_BYTES = 512 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of bytes, or undefined when they are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A recorded body resolved for display: inline text as is; a blob read and decoded when it is small UTF-8. */
export function resolveBody(store: TraceStore, body: Body | undefined): ResolvedBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  if ('text' in body && typeof body.text === 'string') return { text: body.text, size: Buffer.byteLength(body.text) };
  if (!('blob' in body)) return undefined;
  const ref = { blob: body.blob, size: body.size, encoding: body.encoding };
  if (body.encoding !== 'utf8') return { ...ref, note: `binary body, ${formatBytes(body.size)}` };
  if (body.size > MAX_TEXT_BYTES) return { ...ref, note: `text body of ${formatBytes(body.size)}, too large to show` };
  const bytes = store.getBlob(body.blob);
  if (!bytes) return { ...ref, note: 'body not in the store (blob missing)' };
  const text = utf8Text(bytes);
  return text === undefined ? { ...ref, note: `binary body, ${formatBytes(body.size)}` } : { text, size: bytes.byteLength };
}

/** A written file's content at a step, from its content hash (null: deleted by then). */
export function fileView(store: TraceStore, path: string, seq: number, hash: string | null): FileView {
  if (hash === null) return { path, seq, hash, size: 0, note: 'deleted at this step' };
  const bytes = store.getBlob(hash);
  if (!bytes) return { path, seq, hash, size: 0, note: 'content not in the store (blob missing)' };
  if (bytes.byteLength > MAX_TEXT_BYTES) return { path, seq, hash, size: bytes.byteLength, note: `${formatBytes(bytes.byteLength)}, too large to show` };
  const text = utf8Text(bytes);
  return text === undefined ? { path, seq, hash, size: bytes.byteLength, note: `binary file, ${formatBytes(bytes.byteLength)}` } : { path, seq, hash, size: bytes.byteLength, text };
}
