/**
 * Compression of blobs at rest (large bodies, file contents; blobs of 16 KB and more are cut into chunks, and each
 * chunk is compressed this way: chunkStore.ts). A row keeps `size`, the byte length of the blob (or chunk) itself, and
 * `data`: the blob as is, or deflated when that is smaller. So the form needs no marker and rows written
 * before compression existed read unchanged: `data` as long as `size` is the blob, shorter is deflated. The blob's
 * hash (its key) is always that of the blob itself.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Below this, deflate saves too little to pay for its call. */
export const BLOB_COMPRESS_MIN_BYTES = 1024;
/**
 * Level 1: blobs are the large bodies (over 64 KB) and files; it deflates a 95 KB chat body to 36% in about 1 ms
 * (level 3: 33% in 1.4 ms), and the store writes them (and chunks) while the agent runs.
 */
const DEFLATE = { level: 1 };

/** The stored `data` of a blob: deflated when that is smaller, else the bytes themselves. */
export function encodeBlob(data: Buffer): Buffer {
  if (data.byteLength < BLOB_COMPRESS_MIN_BYTES) return data;
  const z = deflateRawSync(data, DEFLATE);
  return z.byteLength < data.byteLength ? z : data;
}

/**
 * The blob of a stored row (see encodeBlob); throws when the row cannot be one (longer than its size). `dictionary`:
 * the one it was deflated with (a chunk's, chunkStore.ts).
 */
export function decodeBlob(stored: Buffer, size: number, dictionary?: Buffer): Buffer {
  if (stored.byteLength === size) return stored;
  if (stored.byteLength > size) throw new Error(`stored blob is longer (${stored.byteLength} bytes) than its size (${size})`);
  const data = inflateRawSync(stored, dictionary ? { dictionary } : {});
  if (data.byteLength !== size) throw new Error(`stored blob inflates to ${data.byteLength} bytes, not its size (${size})`);
  return data;
}
