/**
 * Writes a trace file (layout in v1.ts) synchronously: the header line, then NDJSON records compressed as a series
 * of gzip members of about 1 MiB of text each (concatenated members are one valid gzip stream). Synchronous on
 * purpose: the export reads the store inside one read transaction and must not interleave with other work on the
 * same connection; memory stays bounded by the chunk size whatever the size of the run.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { TRACE_FILE_ENCODING, TRACE_FILE_MAGIC, TRACE_FILE_VERSION } from './format.js';

const CHUNK_CHARS = 1024 * 1024;

export class TraceFileWriter {
  private parts: string[] = [];
  private chars = 0;
  /** Records written so far (the end record states this count). */
  records = 0;
  /** Bytes written to the file so far. */
  bytes = 0;

  constructor(
    private readonly fd: number,
    createdBy: string,
    now = Date.now(),
  ) {
    const header = { magic: TRACE_FILE_MAGIC, version: TRACE_FILE_VERSION, encoding: TRACE_FILE_ENCODING, createdAt: now, createdBy };
    this.writeBytes(Buffer.from(JSON.stringify(header) + '\n', 'utf8'));
  }

  /** Appends one record given as its JSON text (callers splice stored JSON in without re-serializing it). */
  line(json: string): void {
    this.parts.push(json, '\n');
    this.chars += json.length + 1;
    this.records++;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  record(rec: object): void {
    this.line(JSON.stringify(rec));
  }

  /** Writes the end record and the last member. The caller closes the fd. */
  finish(): void {
    this.record({ r: 'end', records: this.records });
    this.flush();
  }

  private flush(): void {
    if (this.chars === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.writeBytes(zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 6 }));
  }

  private writeBytes(buf: Buffer): void {
    let off = 0;
    while (off < buf.byteLength) off += fs.writeSync(this.fd, buf, off, buf.byteLength - off);
    this.bytes += buf.byteLength;
  }
}
