/**
 * Where an OpenTelemetry export goes: a file (OTLP/JSON, the `ExportTraceServiceRequest` of the OTLP JSON encoding)
 * or an OTLP/HTTP endpoint (POST, protobuf by default as the OTLP specification says, JSON on request). Headers for
 * the endpoint come from OTEL_EXPORTER_OTLP_TRACES_HEADERS / OTEL_EXPORTER_OTLP_HEADERS (e.g. a backend's API key):
 * they are sent, never printed or written anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { maskUrl } from '../../shared/trace/redact.js';
import { ATR, AtrError, BadArgsError } from '../errors.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type OtlpTarget = { kind: 'file'; file: string; display: string } | { kind: 'http'; url: string; protocol: OtlpProtocol };

/** The collector could not be reached, or refused the spans. */
export class OtelExportError extends AtrError {
  constructor(message: string, hint: string, data?: unknown) {
    super(ATR.OTEL_EXPORT, message, { hint, data });
  }
}

/** The standard OTLP/HTTP traces path, appended to a base URL (as OTEL_EXPORTER_OTLP_ENDPOINT does). */
const TRACES_PATH = '/v1/traces';

/**
 * Parses `--otel`'s value: an http(s) URL is an endpoint (a path not ending in /v1/traces is a base and gets it);
 * anything else is a file path. `host:port` without a scheme is refused as a likely mistake.
 */
export function parseOtlpTarget(value: string, cwd: string, protocol: OtlpProtocol): OtlpTarget {
  const text = value.trim();
  if (!text) throw new BadArgsError('--otel needs a file or a collector URL', 'e.g. --otel trace.json or --otel http://localhost:4318');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme !== 'http' && scheme !== 'https') {
      throw new BadArgsError(`unsupported collector URL ${maskUrl(text)}: only OTLP over HTTP is sent (http:// or https://)`, 'use the collector\'s OTLP/HTTP endpoint, usually port 4318');
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new BadArgsError(`bad collector URL ${maskUrl(text)}`, 'e.g. http://localhost:4318 or https://collector.example.com/v1/traces');
    }
    if (!url.hostname) throw new BadArgsError(`bad collector URL ${maskUrl(text)}: no host`, 'e.g. http://localhost:4318');
    if (!url.pathname.replace(/\/+$/, '').endsWith(TRACES_PATH)) url.pathname = url.pathname.replace(/\/+$/, '') + TRACES_PATH;
    return { kind: 'http', url: url.toString(), protocol };
  }
  if (/^[\w.-]+:\d+(\/|$)/.test(text)) {
    throw new BadArgsError(`--otel ${text} looks like a collector address without a scheme`, `write http://${text} to send to a collector, or a file name ending in .json`);
  }
  return { kind: 'file', file: path.resolve(cwd, text), display: text };
}

/** The protocol for an endpoint: --otel-protocol, else OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / _PROTOCOL, else protobuf. */
export function otlpProtocol(option: string | undefined, env: Record<string, string | undefined>): OtlpProtocol {
  const value = option ?? env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const v = value.trim().toLowerCase();
  if (v === 'http/protobuf' || v === 'protobuf') return 'http/protobuf';
  if (v === 'http/json' || v === 'json') return 'http/json';
  throw new BadArgsError(`unsupported OTLP protocol "${value}"`, 'use http/protobuf (default) or http/json; gRPC is not supported');
}

/** Headers to send, from the standard environment variables (`k1=v1,k2=v2`, values URL-encoded). */
export function otlpHeaders(env: Record<string, string | undefined>): Record<string, string> {
  const raw = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS;
  return raw ? parseKeyPairsIntoRecord(raw) : {};
}

/** Writes the OTLP/JSON bytes to a file (atomically: a reader never sees half a file). */
export function writeOtlpFile(target: Extract<OtlpTarget, { kind: 'file' }>, bytes: Uint8Array, force: boolean): void {
  if (!force && fs.existsSync(target.file)) throw new BadArgsError(`${target.display} already exists`, 'pass --force to overwrite it');
  const tmp = `${target.file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, target.file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new BadArgsError(`cannot write ${target.display}: ${err.code ?? err.message}`, 'check that the folder exists and is writable');
  }
}

/** What the collector said: spans it rejected, with its message (OTLP partial success). */
export interface OtlpSendResult {
  status: number;
  rejectedSpans: number;
  message?: string;
}

const TIMEOUT_MS = 15_000;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** POSTs the encoded request; throws OtelExportError (one line) when unreachable or answered with a non-2xx. */
export async function sendOtlp(target: Extract<OtlpTarget, { kind: 'http' }>, bytes: Uint8Array, headers: Record<string, string>): Promise<OtlpSendResult> {
  const shown = maskUrl(target.url);
  const contentType = target.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  let res: Response;
  try {
    res = await fetch(target.url, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body: new Uint8Array(bytes), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
    throw new OtelExportError(`cannot reach the OpenTelemetry collector at ${shown}: ${why}`, 'is the collector running and listening for OTLP/HTTP (usually port 4318)?');
  }
  const body = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (!res.ok) {
    const text = oneLine(new TextDecoder().decode(body));
    throw new OtelExportError(`the OpenTelemetry collector at ${shown} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${text ? `: ${text}` : ''}`, res.status === 401 || res.status === 403 ? 'set its credentials in OTEL_EXPORTER_OTLP_HEADERS' : res.status === 415 ? 'try the other --otel-protocol (http/protobuf or http/json)' : 'check the endpoint URL and the collector\'s logs');
  }
  return { status: res.status, ...partialSuccess(body, res.headers.get('content-type') ?? '') };
}

/**
 * Rejected spans of the answer (OTLP partial success), decoded by the serializer of the answer's content type (some
 * backends answer JSON to a protobuf request); an answer of another type is not read.
 */
function partialSuccess(body: Uint8Array, contentType: string): { rejectedSpans: number; message?: string } {
  const serializer = contentType.includes('json') ? JsonTraceSerializer : contentType.includes('protobuf') ? ProtobufTraceSerializer : undefined;
  if (body.length === 0 || !serializer) return { rejectedSpans: 0 };
  try {
    const v = serializer.deserializeResponse(body);
    const n = Number(v.partialSuccess?.rejectedSpans ?? 0);
    const message = v.partialSuccess?.errorMessage;
    return message ? { rejectedSpans: n, message: oneLine(message) } : { rejectedSpans: n };
  } catch {
    // A collector that answers 2xx with a body it did not mean as an OTLP answer still took the spans.
    return { rejectedSpans: 0 };
  }
}
