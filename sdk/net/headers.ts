/**
 * Header and body shape helpers shared by the undici and http hooks: every shape a client may hand over (undici
 * objects, flat arrays, pair arrays, Headers, Node's IncomingHttpHeaders) becomes one lowercase string map.
 */

/** A lowercase `name → value` map; repeated headers are joined with ", " (set-cookie with "\n" is not needed: masked). */
export function headerMap(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (k: unknown, v: unknown): void => {
    if (v === undefined || v === null) return;
    const key = String(k).toLowerCase();
    const value = Array.isArray(v) ? v.map(valueText).join(', ') : valueText(v);
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  };
  if (!input || typeof input !== 'object') return out;
  if (Array.isArray(input)) {
    if (input.length && Array.isArray(input[0])) {
      for (const pair of input as unknown[][]) add(pair[0], pair[1]);
    } else {
      for (let i = 0; i + 1 < input.length; i += 2) add(input[i], input[i + 1]);
    }
    return out;
  }
  const maybeIterable = input as { entries?: () => Iterable<[unknown, unknown]> };
  if (typeof maybeIterable.entries === 'function' && !(input.constructor === Object || Object.getPrototypeOf(input) === null)) {
    for (const [k, v] of maybeIterable.entries()) add(k, v);
    return out;
  }
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) add(k, v);
  return out;
}

function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  return String(v);
}

/** Bytes of a body that is available synchronously, or undefined when it is a stream/iterable (or absent). */
export function syncBodyBytes(body: unknown): Buffer | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/** True for bodies that are read asynchronously (Node streams, web streams, async iterables). */
export function isAsyncBody(body: unknown): body is AsyncIterable<unknown> {
  return !!body && typeof body === 'object' && typeof (body as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/** A chunk of a request body written by the agent (string with encoding, or bytes) as a Buffer. */
export function chunkBytes(chunk: unknown, encoding?: unknown): Buffer | undefined {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  const bytes = syncBodyBytes(chunk);
  return bytes ?? undefined;
}
