/**
 * One recorded HTTP call, independent of the layer that saw it (undici dispatcher or http.ClientRequest).
 * Life cycle: `start` emits the event when the request is issued (seq in issue order; fingerprint set, or left to
 * the host for a recording's text body: payloadFingerprintInput), then the layer reports `response` (headers),
 * `data` (each body chunk as it passes) and `end`/`fail`; the response is written as one patch when the call
 * completes.
 * IMPORTANT: every method is synchronous, cheap on the per-chunk path and never throws: a fault is reported once
 * through rec.fault and the call continues unrecorded.
 */
import zlib from 'node:zlib';
import type { Recorder } from '../core/recorder.js';
import { sha256 } from '../core/originals.js';
import { runInternalSync } from '../core/internal.js';
import { maskHeaders, maskUrl } from '../../src/shared/trace/redact.js';
import { tryParseJson } from '../../src/shared/trace/canonicalJson.js';
import { fingerprintInput } from '../../src/shared/trace/fingerprint.js';
import { detectLlmCall, llmResponseInfo, type LlmRequestInfo } from '../../src/shared/trace/llm.js';
import type { Body, HttpPayload, HttpResponseRecord, LlmPayload, NetLayer, StreamChunk } from '../../src/shared/trace/types.js';
import { now } from './clock.js';
import { MAX_CAPTURE_BYTES } from './bodyCopy.js';

/** performance.timeOrigin, read once: a getter that costs microseconds per call. */
const TIME_ORIGIN = performance.timeOrigin;

export interface NetRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** Set when the request body was too large to keep: its size (the body itself is not stored). */
  truncatedSize?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text-like content types whose chunks are stored as text with their arrival times. */
function isTextual(contentType: string): boolean {
  return /^text\/|json|event-stream|xml|ndjson|javascript/i.test(contentType);
}

export class NetCall {
  private done = false;
  private status = 0;
  private statusText: string | undefined;
  private resHeaders: Record<string, string> = {};
  private ttfb: number | undefined;
  private streamed = false;
  private readonly parts: Buffer[] = [];
  private readonly times: number[] = [];
  private size = 0;
  private overflow = false;
  private endedAt: number | undefined;

  private constructor(
    private readonly rec: Recorder,
    readonly seq: number,
    private readonly llm: LlmRequestInfo | null,
    /** When the request was issued (before the event was assembled). */
    private readonly t0: number,
  ) {}

  /** Emits the request event; null when recording it failed (the call then passes through unrecorded). */
  static start(rec: Recorder, layer: NetLayer, req: NetRequest): NetCall | null {
    try {
      return runInternalSync(() => NetCall.emit(rec, layer, req));
    } catch (e) {
      rec.fault('network recording', e);
      return null;
    }
  }

  private static emit(rec: Recorder, layer: NetLayer, req: NetRequest): NetCall {
    const t0 = now();
    const method = req.method.toUpperCase();
    // Credentials sent in headers are masked wherever they come back (a server echoing them in a body or an error).
    rec.secrets.learnHeaders(req.headers);
    const url = maskUrl(req.url, rec.secrets);
    let body: Body | undefined;
    let bodyForFingerprint: string | undefined;
    let parsed: unknown;
    if (req.body && req.body.byteLength > 0) {
      const text = decodeUtf8(req.body);
      if (text === undefined) {
        body = rec.blob(req.body);
        bodyForFingerprint = `sha256:${body.blob}`;
      } else {
        const masked = rec.secrets.maskText(text);
        // Inline whatever its size: the store keeps a large text body as a blob (blobLargeBodies at ingest), so the
        // agent neither hashes nor base64-encodes a long conversation on every call.
        body = { text: masked };
        bodyForFingerprint = masked;
        parsed = tryParseJson(masked);
      }
    }
    if (req.truncatedSize !== undefined) {
      bodyForFingerprint = `truncated:${req.truncatedSize}`;
      rec.fault('network recording (request body over 64 MB not stored)', new Error(`${method} ${url}`));
    }
    // The exact issue time on the clock of the offsets (the event's own ts is taken later, after masking/hashing):
    // replay orders concurrent responses on this timeline.
    const http: HttpPayload = { layer, request: { method, url, headers: maskHeaders(req.headers, rec.secrets) }, startedAtMs: Math.round((TIME_ORIGIN + t0) * 1000) / 1000 };
    if (body) http.request.body = body;
    // A recording's fingerprint of a text body (or of none) is added by the host at ingest, from the payload
    // (payloadFingerprintInput), and so are an LLM call's messages: off the agent's path. A replay matches calls by
    // the fingerprint, so it hashes every one itself.
    const atIngest = rec.meta.mode === 'record' && req.truncatedSize === undefined && (body === undefined || 'text' in body);
    const fingerprint = atIngest ? undefined : sha256(fingerprintInput(method, url, bodyForFingerprint, parsed));
    const llm = detectLlmCall(method, url, parsed);
    let seq: number;
    if (llm) {
      const payload: LlmPayload = { ...http, provider: llm.provider, stream: llm.stream };
      if (llm.model !== undefined) payload.model = llm.model;
      // Left to the host with the fingerprint (they are in the body): written twice, they cost the agent per call.
      if (llm.messages !== undefined && !atIngest) payload.messages = llm.messages;
      seq = rec.emit('llm', payload, { fingerprint });
    } else {
      seq = rec.emit('http', http, { fingerprint });
    }
    return new NetCall(rec, seq, llm, t0);
  }

  /** Milliseconds since the request was issued. */
  elapsed(): number {
    return Math.round((now() - this.t0) * 1000) / 1000;
  }

  /** The response head arrived. */
  response(status: number, statusText: string | undefined, headers: Record<string, string>): void {
    if (this.done || this.ttfb !== undefined) return;
    this.ttfb = this.elapsed();
    this.status = status;
    this.statusText = statusText || undefined;
    this.resHeaders = headers;
    // A session cookie the server sets is masked in what follows (bodies, later requests that send it back).
    try {
      this.rec.secrets.learnHeaders(headers);
    } catch (e) {
      this.rec.fault('network recording', e);
    }
    const type = headers['content-type'] ?? '';
    const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
    const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
    // Chunks are kept as text with arrival times when they are readable as they come (no compression).
    this.streamed = (type.includes('event-stream') || chunked) && isTextual(type) && encoding === 'identity';
  }

  /** One body chunk passed to the agent. Hot path: only a copy and a timestamp. */
  data(chunk: Uint8Array): void {
    if (this.done || this.overflow) return;
    this.size += chunk.byteLength;
    if (this.size > MAX_CAPTURE_BYTES) {
      this.overflow = true;
      this.parts.length = 0;
      this.times.length = 0;
      return;
    }
    this.parts.push(Buffer.from(chunk));
    if (this.streamed) this.times.push(this.elapsed());
  }

  /** The body ended: writes the response patch. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.endedAt = this.elapsed();
    // Assembling the patch (decode, mask, LLM parsing, journal write) is deferred to the next loop turn: done here
    // it would delay the agent's continuation, which only runs after this callback returns.
    deferPatch(this);
  }

  /** Writes the response patch of an ended call (from the deferred queue). */
  flush(): void {
    try {
      runInternalSync(() => this.rec.patch(this.seq, this.fields()));
    } catch (e) {
      this.rec.fault('network recording', e);
    }
  }

  /** The call failed (network error, abort). Keeps what arrived of the response. */
  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    try {
      const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
      const error: NonNullable<HttpPayload['error']> = {
        name: typeof e?.name === 'string' ? e.name : 'Error',
        message: typeof e?.message === 'string' ? this.rec.secrets.maskText(e.message) : String(err),
      };
      if (typeof e?.code === 'string') error.code = e.code;
      const fields = this.ttfb === undefined ? { durationMs: this.elapsed() } : this.fields();
      runInternalSync(() => this.rec.patch(this.seq, { ...fields, error }));
    } catch (e) {
      this.rec.fault('network recording', e);
    }
  }

  private fields(): Record<string, unknown> {
    const out: Record<string, unknown> = { durationMs: this.endedAt ?? this.elapsed() };
    if (this.ttfb !== undefined) out.ttfbMs = this.ttfb;
    const response: HttpResponseRecord = { status: this.status, headers: maskHeaders(this.resHeaders, this.rec.secrets) };
    if (this.statusText) response.statusText = this.statusText;
    if (this.overflow) {
      this.rec.fault('network recording (body over 64 MB not stored)', new Error(`response of event ${this.seq}`));
    } else if (this.size > 0) {
      const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
      const text = decodeUtf8(bytes);
      // Decode and mask once: the same masked text feeds the stored body, the chunks and the LLM fields.
      const masked = text === undefined ? undefined : this.rec.secrets.maskText(text);
      if (masked === undefined) response.body = this.rec.blob(bytes);
      else response.body = { text: masked };
      if (this.streamed && text !== undefined) response.chunks = this.chunks(masked !== text);
      if (this.llm) Object.assign(out, this.llmFields(bytes, masked));
    }
    out.response = response;
    return out;
  }

  private chunks(mask: boolean): StreamChunk[] {
    // A streaming decoder keeps multi-byte characters split across chunks intact.
    const dec = new TextDecoder('utf-8');
    const last = this.parts.length - 1;
    return this.parts.map((p, i) => {
      const data = dec.decode(p, { stream: i !== last });
      // Chunks are masked one by one only when the whole body contained a secret (rare; a secret split across two
      // chunks is then caught in the stored body but not in the chunk texts).
      return { t: this.times[i] ?? 0, data: mask ? this.rec.secrets.maskText(data) : data };
    });
  }

  private llmFields(bytes: Buffer, masked: string | undefined): Record<string, unknown> {
    if (!this.llm) return {};
    const encoding = (this.resHeaders['content-encoding'] ?? 'identity').trim().toLowerCase();
    let text = masked;
    if (encoding !== 'identity') {
      const plain = decodeUtf8(decompress(bytes, encoding));
      text = plain === undefined ? undefined : this.rec.secrets.maskText(plain);
    }
    if (text === undefined) return {};
    const info = llmResponseInfo(this.llm.api, this.status, this.resHeaders['content-type'], text);
    const out: Record<string, unknown> = {};
    if (info.reply) out.reply = info.reply;
    if (info.finishReason) out.finishReason = info.finishReason;
    if (info.usage) out.usage = info.usage;
    return out;
  }
}

const pending: NetCall[] = [];
let scheduled = false;
const originalSetImmediate = globalThis.setImmediate;

function flushPending(): void {
  scheduled = false;
  const calls = pending.splice(0);
  for (const c of calls) c.flush();
}

function deferPatch(call: NetCall): void {
  pending.push(call);
  if (scheduled) return;
  scheduled = true;
  // Each call's flush marks its own work internal.
  originalSetImmediate(flushPending);
}

/**
 * Writes deferred patches synchronously when the process exits (an agent calling process.exit right after a call
 * must not lose its response). Called once by installNet.
 */
export function flushNetPatchesOnExit(): void {
  // Prepended: our patches land before any exit hook that writes the run's end record.
  process.prependListener('exit', flushPending);
}

/** Decodes a content-encoded body for LLM parsing (the stored body keeps the wire bytes). */
function decompress(bytes: Buffer, enc: string): Buffer {
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (enc === 'deflate') {
      // "deflate" is zlib-wrapped by the spec but raw deflate in practice on some servers.
      try {
        return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        return zlib.inflateRawSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      }
    }
    if (enc === 'br') return zlib.brotliDecompressSync(bytes);
  } catch {
    // Undecodable: the LLM fields stay empty, the raw body is still stored.
  }
  return bytes;
}
