/**
 * Compression of payloads at rest (event payloads and keyframe data of COMPRESS_MIN_CHARS and more). A stored value
 * stays a JSON text either way: an encoded one is `{"$z":1,"model":…,"usage":…,"d":"<base64>"}`, where `d` is the
 * original text deflated with the preset dictionary of payloadDictionary.ts (`"$z":2`: compressed with brotli, for
 * texts of BROTLI_MIN_CHARS and more; `"$z":3` with `c` instead of `d`: the base64 key list of the text's chunks, for
 * texts of CHUNK_MIN_CHARS and more when the store has a chunk store, chunkStore.ts), and `model`/`usage` are copied
 * out (and `reply` as a presence flag) so the SQL that reads them (usage totals, cost per model, calls of unknown
 * cost) keeps working. decodePayload returns the exact original text, so every reader (getEvent, lineage rows, replay
 * tapes, export) sees byte-identical payloads; a text without the marker (stores written before, small values) is
 * returned as is.
 *
 * IMPORTANT: the dictionary and the meaning of each marker are part of the stored format: never edit them. A better
 * encoding needs a new marker value, and decoding must keep knowing every earlier one.
 */
import type { ChunkStore } from './chunkStore.js';
import { DICT_1 } from './payloadDictionary.js';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Values shorter than this stay plain JSON text (compression gains little and costs a zlib call). From 256 chars
 * the dictionary pays: a 350-char LLM call becomes about 110, a 400-char keyframe about 190 (base64 included).
 */
export const COMPRESS_MIN_CHARS = 256;
/**
 * From this size, brotli with a 4 MB window (marker 2). deflate sees back 32 KB only: an LLM call over it (a long
 * conversation: the request body, then the same messages parsed) keeps both copies, where brotli stores the second as
 * a reference. Measured on such a 100 KB call: 9.7 KB in 0.40 ms (deflate: 18.9 KB in 0.73 ms); below ~48 KB deflate
 * with the dictionary is as small or smaller.
 */
export const BROTLI_MIN_CHARS = 48 * 1024;
/**
 * From this size, chunked (marker 3) where a chunk store is given: the calls of a growing conversation share all but
 * their last turn, and the chunks they share are stored once (chunkStore.ts). Measured on a 100-call conversation
 * growing 1.2 KB a turn (payloads up to 250 KB): 0.9 MB stored where brotli per payload (and deflated blobs) took 6.2.
 */
export const CHUNK_MIN_CHARS = 16 * 1024;
/** Every encoded value starts with this; a plain text that does is encoded anyway, so it is never misread. */
export const ENCODED_PREFIX = '{"$z":';
const PREFIX = '{"$z":1,';
const PREFIX_BROTLI = '{"$z":2,';
const PREFIX_CHUNKED = '{"$z":3,';
/** Fields copied in clear next to the compressed text, for SQL (json_extract). */
const HEAD_FIELDS = ['model', 'usage'] as const;

/**
 * Level 3: for texts of a few KB it costs clearly less CPU than the default level 6 for a few percent in size (the
 * dictionary does most of the work). Inflate reads any level: stored values of either level decode the same.
 */
const DEFLATE = { dictionary: DICT_1, level: 3 };
/** Quality 3: about as fast as deflate level 1 here, and far smaller than deflate on texts over its window. */
const brotliOptions = (bytes: number) => ({
  params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_LGWIN]: 22, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes },
});

/**
 * The stored form of a payload or keyframe text: chunked, compressed or the text itself (see the file comment).
 * `value` is the parsed text, for the fields copied out; `chunks` stores the chunks of a large text.
 */
export function encodePayload(text: string, value?: unknown, chunks?: Pick<ChunkStore, 'put'>): string {
  // A plain text that happened to start like an encoded one is always encoded, so decoding never misreads it.
  const marked = text.startsWith(ENCODED_PREFIX);
  if (text.length < COMPRESS_MIN_CHARS && !marked) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (chunks && text.length >= CHUNK_MIN_CHARS) return `${PREFIX_CHUNKED}${headOf(value)}"c":"${chunks.put(bytes).toString('base64')}"}`;
  const brotli = text.length >= BROTLI_MIN_CHARS;
  const z = (brotli ? brotliCompressSync(bytes, brotliOptions(bytes.byteLength)) : deflateRawSync(bytes, DEFLATE)).toString('base64');
  const out = `${brotli ? PREFIX_BROTLI : PREFIX}${headOf(value)}"d":"${z}"}`;
  return out.length < text.length || marked ? out : text;
}

/**
 * The stored form of a text kept as it is (an import's staging rows, written as the trace file has them): the text
 * itself, unless it starts like an encoded value. A file's payload `{"$z":2,"d":…}` is data: stored encoded, it reads
 * back as the same text instead of being decompressed (or its chunks looked up) as if the store had written it.
 */
export function storedAsIs(text: string): string {
  return text.startsWith(ENCODED_PREFIX) ? encodePayload(text) : text;
}

/** The fields copied out in clear next to an encoded text, as JSON members each followed by a comma. */
function headOf(value: unknown): string {
  let head = '';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const f of HEAD_FIELDS) if (o[f] !== undefined) head += `"${f}":${JSON.stringify(o[f])},`;
    // Presence only: the cost query tells a call that got a reply without usage (cost unknown) by `$.reply`.
    if (o.reply !== undefined) head += '"reply":1,';
  }
  return head;
}

/**
 * The original text of a stored payload or keyframe (see encodePayload). A chunked one needs the chunk store of the
 * database it was read from.
 */
export function decodePayload(stored: string, chunks?: Pick<ChunkStore, 'get'>): string {
  if (stored.startsWith(PREFIX_CHUNKED)) {
    if (!chunks) throw new Error('a chunked payload was read without the chunk store of its database');
    return chunks.get(Buffer.from((JSON.parse(stored) as { c: string }).c, 'base64')).toString('utf8');
  }
  const brotli = stored.startsWith(PREFIX_BROTLI);
  if (!brotli && !stored.startsWith(PREFIX)) return stored;
  const z = Buffer.from((JSON.parse(stored) as { d: string }).d, 'base64');
  return (brotli ? brotliDecompressSync(z) : inflateRawSync(z, { dictionary: DICT_1 })).toString('utf8');
}
