/**
 * Reading a trace file (layout in v1.ts): the plain header line first — so a file from a newer AgentTrace is
 * refused before anything is decompressed — then the gzip body streamed record by record. Limits hold while
 * streaming: the file size before reading, the decompressed size and the line length as the bytes arrive (a zip
 * bomb stops at the limit, it is never inflated in full), nesting depth per record. Only regular files are read: a
 * FIFO, a folder or a device is refused before a byte is read (opened non-blocking, so a FIFO with no writer cannot
 * hang the import), and the body is read from the same file the header came from. Keys that could reach a
 * prototype (`__proto__`, `constructor`, `prototype`) are refused in every record. Every failure is a
 * TraceFileError naming the file; records come out checked, modernized to the current version and validated.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { z } from 'zod';
import { RECORD_SCHEMAS, TRACE_FILE_CHAIN, TRACE_FILE_MAGIC, HeaderSchema, type FileRecordOf } from './format.js';
import { currentVersion, modernizeHeader, modernizeRecord, stepsFrom, type FileRecord, type FormatChain, type Modernizer } from './modernize.js';
import { inspectJson } from './sanitize.js';
import { NotRegularFileError, TraceFileError, TraceFileVersionError } from './traceFileErrors.js';

const MiB = 1024 * 1024;

export interface ReadLimits {
  /** Size of the file on disk (compressed). */
  maxFileBytes: number;
  /** Decompressed bytes, counted while inflating. */
  maxDataBytes: number;
  /** Characters in one record (one NDJSON line). */
  maxLineChars: number;
  /** Nesting depth of one record. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 512 * MiB,
  maxDataBytes: 4096 * MiB,
  maxLineChars: 256 * MiB,
  maxDepth: 256,
};

/** The header line is small; anything longer is not a trace file. */
const MAX_HEADER_BYTES = 4096;

export interface OpenedTraceFile {
  header: FileRecord;
  /** Version the file was written in (before modernizing). */
  version: number;
  steps: readonly Modernizer[];
  bodyOffset: number;
  size: number;
  /** Identity of the file the header was read from: the body must come from the same one. */
  dev: number;
  ino: number;
}

/**
 * Opens a trace file for reading, refusing anything but a regular file. O_NONBLOCK: opening a FIFO blocks until a
 * writer appears, and a device may never end; non-blocking changes nothing for a regular file.
 */
function openRegular(file: string, display: string): { fd: number; stat: fs.Stats } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new NotRegularFileError(display, 'a folder');
    throw new TraceFileError(display, code === 'ENOENT' ? 'no such file' : `cannot open: ${(e as Error).message}`, 'check the path');
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new NotRegularFileError(display, kindOf(stat));
  }
  return { fd, stat };
}

function kindOf(s: fs.Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

/** Reads and checks the header line: magic, version (newer = refused), size limit. */
export function openTraceFile(file: string, display: string, limits: ReadLimits, chain: FormatChain = TRACE_FILE_CHAIN): OpenedTraceFile {
  const { fd, stat } = openRegular(file, display);
  try {
    const size = stat.size;
    if (size > limits.maxFileBytes) {
      throw new TraceFileError(display, `file is ${mib(size)}, over the import limit of ${mib(limits.maxFileBytes)}`, 'raise the limit with --max-file-mb N if you trust this file', { size });
    }
    if (size === 0) throw new TraceFileError(display, 'empty file (not an AgentTrace trace file)');
    const head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    const got = fs.readSync(fd, head, 0, head.length, 0);
    const nl = head.subarray(0, got).indexOf(0x0a);
    if (head[0] === 0x1f && head[1] === 0x8b) throw new TraceFileError(display, 'not an AgentTrace trace file (gzip data without the agenttrace header line)');
    if (nl < 0) throw new TraceFileError(display, got < size ? 'not an AgentTrace trace file (no header line)' : 'truncated or not an AgentTrace trace file (the header line is incomplete)');
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, nl)));
    } catch {
      throw new TraceFileError(display, 'not an AgentTrace trace file (the first line is not a JSON header)');
    }
    const h = header as Record<string, unknown> | null;
    if (!h || typeof h !== 'object' || Array.isArray(h) || h.magic !== TRACE_FILE_MAGIC) throw new TraceFileError(display, 'not an AgentTrace trace file (no "agenttrace" magic in the header)');
    const hc = inspectJson(h, 64);
    if (hc.unsafe !== undefined) throw new TraceFileError(display, unsafeText('the header', hc.unsafe), 'the file is hostile or damaged');
    const version = h.version;
    if (typeof version !== 'number' || !Number.isSafeInteger(version)) throw new TraceFileError(display, 'the header has no format version');
    const check = stepsFrom(chain, version);
    if (!check.ok) throw new TraceFileVersionError(display, version, currentVersion(chain), chain.first);
    const modern = modernizeHeader(h, check.steps);
    const parsed = HeaderSchema.safeParse(modern);
    if (!parsed.success) throw new TraceFileError(display, `bad header: ${issueText(parsed.error)}`);
    return { header: modern, version, steps: check.steps, bodyOffset: nl + 1, size, dev: stat.dev, ino: stat.ino };
  } finally {
    fs.closeSync(fd);
  }
}

export interface BodyLine {
  /** 1-based line number in the file (the header is line 1). */
  lineNo: number;
  text: string;
}

/** The body's NDJSON lines, inflated and decoded as UTF-8 (strict) while streaming, within the limits. */
export async function* bodyLines(file: string, display: string, opened: OpenedTraceFile, limits: ReadLimits): AsyncGenerator<BodyLine> {
  const { fd, stat } = openRegular(file, display);
  if (stat.dev !== opened.dev || stat.ino !== opened.ino) {
    fs.closeSync(fd);
    throw new TraceFileError(display, 'the file was replaced while it was being read', 'import it again');
  }
  const input = fs.createReadStream('', { fd, start: opened.bodyOffset });
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let inflated = 0;
  let pending = '';
  let lineNo = 1;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.byteLength;
      if (inflated > limits.maxDataBytes) {
        throw new TraceFileError(display, `decompresses to more than ${mib(limits.maxDataBytes)} (the import limit)`, 'raise the limit with --max-data-mb N if you trust this file', { limit: limits.maxDataBytes });
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new TraceFileError(display, `not valid UTF-8 text (near decompressed byte ${inflated - chunk.byteLength})`);
      }
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const line = pending + text.slice(start, nl);
        pending = '';
        start = nl + 1;
        lineNo++;
        if (line.length > limits.maxLineChars) throw lineTooLong(display, lineNo, limits);
        yield { lineNo, text: line };
      }
      pending += text.slice(start);
      if (pending.length > limits.maxLineChars) throw lineTooLong(display, lineNo + 1, limits);
    }
    try {
      pending += decoder.decode();
    } catch {
      throw new TraceFileError(display, 'not valid UTF-8 text (at the end of the data)');
    }
    if (pending.length > 0) throw new TraceFileError(display, `truncated: the last record (line ${lineNo + 1}) is incomplete`);
  } catch (e) {
    if (e instanceof TraceFileError) throw e;
    throw zlibError(display, e);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/**
 * The body's records: each line parsed, checked (no unsafe key, nesting within the limit), modernized to the current
 * version and validated against the current schemas.
 */
export async function* readRecords(
  file: string,
  display: string,
  opened: OpenedTraceFile,
  limits: ReadLimits,
): AsyncGenerator<{ rec: FileRecordOf; lineNo: number }> {
  for await (const { lineNo, text } of bodyLines(file, display, opened, limits)) {
    if (text.length === 0) throw new TraceFileError(display, `empty line ${lineNo}`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new TraceFileError(display, `line ${lineNo} is not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TraceFileError(display, `line ${lineNo} is not a record`);
    const s = inspectJson(value, limits.maxDepth);
    if (s.unsafe !== undefined) throw new TraceFileError(display, unsafeText(`line ${lineNo} (${recordType(value)} record)`, s.unsafe), 'the file is hostile or damaged; nothing was imported');
    if (s.depth > limits.maxDepth) throw new TraceFileError(display, `line ${lineNo} nests deeper than ${limits.maxDepth} levels`, 'the file is hostile or damaged');
    for (const modern of modernizeRecord(value as FileRecord, opened.steps)) yield { rec: validate(display, lineNo, modern), lineNo };
  }
}

/** Checks a record against its schema; returns the record itself (not zod's copy: key order of payloads is kept). */
function validate(display: string, lineNo: number, rec: FileRecord): FileRecordOf {
  const type = rec.r;
  const schema = typeof type === 'string' && Object.hasOwn(RECORD_SCHEMAS, type) ? (RECORD_SCHEMAS as Record<string, z.ZodTypeAny>)[type] : undefined;
  if (!schema) throw new TraceFileError(display, `line ${lineNo}: unknown record type ${JSON.stringify(type)?.slice(0, 40)}`);
  const parsed = schema.safeParse(rec);
  if (!parsed.success) throw new TraceFileError(display, `line ${lineNo} (${type} record): ${issueText(parsed.error)}`);
  // The run record's fields are used as zod produced them (only known fields); payloads stay as they were.
  return (type === 'run' ? parsed.data : rec) as FileRecordOf;
}

function unsafeText(where: string, at: string): string {
  const key = /(__proto__|constructor|prototype)$/.exec(at)?.[1] ?? at;
  return `${where} has a key named "${key}" (at ${at}); __proto__, constructor and prototype keys are refused`;
}

function recordType(value: object): string {
  const r = (value as { r?: unknown }).r;
  return typeof r === 'string' ? JSON.stringify(r.slice(0, 20)) : 'a';
}

function issueText(err: z.ZodError): string {
  const i = err.issues[0];
  const where = i?.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.') : '(record)';
  return `${where.slice(0, 120)} ${i?.message ?? 'is invalid'}`;
}

function lineTooLong(display: string, lineNo: number, limits: ReadLimits): TraceFileError {
  return new TraceFileError(display, `line ${lineNo} is longer than ${mib(limits.maxLineChars)}`, 'the file is hostile or damaged');
}

function zlibError(display: string, e: unknown): TraceFileError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err?.message ?? '')) return new TraceFileError(display, 'truncated: the compressed data ends early');
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return new TraceFileError(display, `corrupt compressed data (${err.message})`);
  return new TraceFileError(display, `cannot read: ${err?.message ?? String(e)}`, 'check the file');
}

export function mib(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}
