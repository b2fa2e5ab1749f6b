/**
 * Policy `fallback`: answers for requests the recording cannot answer (a patched agent asks something new), tried in
 * order, all offline:
 * 1. the pool (Tape.pool): the same request (fingerprint) recorded in another run of the script; the n-th time the
 *    replay asks the pool for a fingerprint it gets the n-th pool entry with it (calls that never completed skipped);
 * 2. LLM chat calls (OpenAI/Groq chat completions, Anthropic messages): a synthesized reply in the provider's wire
 *    format, JSON or SSE as the request asked (`stream: true`), saying Tape.synth.content, else the text of the last
 *    2xx reply recorded for the same URL (the recording first, then the pool), else "OK";
 * 3. other HTTP calls: the last 2xx response recorded for the same method and normalized URL (recording, then pool).
 * Nothing else is answered: the caller refuses the request (the replay stops as under policy `stop`).
 * An answer is a TapeCall detached from the arrival order (negative seq: the arrival gate never waits for it).
 */
import zlib from 'node:zlib';
import type { FallbackAnswer, Tape, TapeCall, TapeResponse } from '../../src/shared/trace/tape.js';
import { llmApiOf, llmResponseInfo, type LlmApi } from '../../src/shared/trace/llm.js';
import { replyJson, replyStream } from '../../src/shared/trace/llmWire.js';
import { normalizeUrl } from '../../src/shared/trace/fingerprint.js';
import type { NetEvent } from './replayContext.js';

/** The reply of a synthesized LLM call when nothing better is known. */
export const DEFAULT_SYNTH_CONTENT = 'OK';
/** Response header marking a synthesized reply (visible in the replay's journal). */
export const SYNTH_HEADER = 'x-agenttrace-synthesized';

export interface FallbackPlan {
  call: TapeCall;
  answer: FallbackAnswer;
}

export class ReplayFallback {
  private readonly pool = new Map<string, TapeCall[]>();
  private readonly poolNext = new Map<string, number>();
  private detachedSeq = 0;

  constructor(private readonly tape: Tape) {
    for (const call of tape.pool ?? []) {
      if (!call.response && !call.error) continue;
      const list = this.pool.get(call.fingerprint) ?? [];
      list.push(call);
      this.pool.set(call.fingerprint, list);
    }
  }

  /** An answer for the request behind `ev`, or undefined when there is none. */
  answer(ev: NetEvent): FallbackPlan | undefined {
    const fp = ev.fingerprint;
    const list = this.pool.get(fp);
    const i = this.poolNext.get(fp) ?? 0;
    if (list && i < list.length) {
      this.poolNext.set(fp, i + 1);
      const c = list[i];
      const answer: FallbackAnswer = { seq: ev.seq, kind: ev.kind, from: 'pool', recordedSeq: c.seq };
      if (c.runId !== undefined) answer.runId = c.runId;
      return { call: this.detach(c, ev), answer };
    }
    const api = ev.kind === 'llm' ? llmApiOf(ev.request.method, ev.request.url) : null;
    if (api) return this.synthLlm(ev, api);
    const last = this.lastOk(ev);
    if (!last) return undefined;
    return { call: this.detach(last, ev), answer: { seq: ev.seq, kind: ev.kind, from: 'synth', recordedSeq: last.seq, ...(last.runId ? { runId: last.runId } : {}) } };
  }

  private synthLlm(ev: NetEvent, api: LlmApi): FallbackPlan {
    const template = this.lastOk(ev);
    const templateText = template?.response ? responseText(template.response) : undefined;
    let content = this.tape.synth?.content;
    if (content === undefined && template?.response && templateText !== undefined) {
      content = llmResponseInfo(api, template.response.status, header(template.response, 'content-type'), templateText).reply?.content;
    }
    content ??= DEFAULT_SYNTH_CONTENT;
    const stream = ev.stream === true;
    // The recorded reply is the wire template (id, model, usage) only when it has the same shape (JSON or SSE).
    const sameShape = template?.response && (template.response.chunks !== undefined && template.response.chunks.length > 0) === stream;
    const wire = { recordedText: sameShape ? templateText : undefined, model: ev.model };
    const reply = { reply: { role: 'assistant', content } };
    const response: TapeResponse = { status: 200, statusText: 'OK', headers: {} };
    if (stream) {
      response.headers = { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked', [SYNTH_HEADER]: '1' };
      response.chunks = replyStream(api, reply, wire).map((data) => ({ t: 0, data }));
    } else {
      const body = Buffer.from(replyJson(api, reply, wire), 'utf8');
      response.headers = { 'content-type': 'application/json', 'content-length': String(body.byteLength), [SYNTH_HEADER]: '1' };
      response.bodyB64 = body.toString('base64');
    }
    const call: TapeCall = { seq: this.nextDetachedSeq(), fingerprint: ev.fingerprint, occurrence: 0, arrival: 0, layer: ev.layer, request: ev.request, response };
    return { call, answer: { seq: ev.seq, kind: ev.kind, from: 'synth', content } };
  }

  /**
   * The last recorded 2xx call with the same method and normalized URL: in the recording, the last one up to the
   * replay's step (else the last one at all), then the pool's last one.
   */
  private lastOk(ev: NetEvent): TapeCall | undefined {
    const key = callKey(ev.request.method, ev.request.url);
    const ok = (c: TapeCall): boolean => !!c.response && c.response.status >= 200 && c.response.status < 300 && callKey(c.request.method, c.request.url) === key;
    const recorded = this.tape.calls.filter(ok).sort((a, b) => a.seq - b.seq);
    return recorded.filter((c) => c.seq <= ev.seq).at(-1) ?? recorded.at(-1) ?? (this.tape.pool ?? []).filter(ok).at(-1);
  }

  /** A copy of a recorded call served for `ev`, outside the arrival order. */
  private detach(c: TapeCall, ev: NetEvent): TapeCall {
    const call: TapeCall = { ...c, seq: this.nextDetachedSeq(), fingerprint: ev.fingerprint, occurrence: 0, arrival: 0 };
    delete call.issuedMs;
    return call;
  }

  private nextDetachedSeq(): number {
    return -++this.detachedSeq;
  }
}

function callKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${normalizeUrl(url)}`;
}

function header(r: TapeResponse, name: string): string | undefined {
  for (const [k, v] of Object.entries(r.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The recorded response body as text (stream chunks joined; a compressed wire body decoded), if it is readable. */
export function responseText(r: TapeResponse): string | undefined {
  if (r.chunks && r.chunks.length > 0) return r.chunks.map((c) => c.data).join('');
  if (r.bodyB64 === undefined) return undefined;
  const bytes = Buffer.from(r.bodyB64, 'base64');
  const enc = (header(r, 'content-encoding') ?? '').toLowerCase().trim();
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(bytes).toString('utf8');
    if (enc === 'deflate') return zlib.inflateSync(bytes).toString('utf8');
    if (enc === 'br') return zlib.brotliDecompressSync(bytes).toString('utf8');
  } catch {
    // Recorded at the fetch layer, the body is already decoded although the header names the encoding.
  }
  return bytes.toString('utf8');
}
