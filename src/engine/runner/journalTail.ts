/**
 * Reads what an agent appended to its journal since the last read and ingests the complete lines. Works on bytes:
 * a line ends at the byte 0x0A, which never occurs inside a multi-byte UTF-8 sequence, so a read that stops in the
 * middle of a character or a line is safe — the incomplete tail is simply read again next time.
 */
import fs from 'node:fs';
import type { JournalIngestor } from '../store/ingest.js';

/** Bytes read per transaction, so a huge backlog is ingested in bounded memory. */
const SLICE = 8 * 1024 * 1024;

export class JournalTail {
  /** Byte offset just after the last ingested line. */
  offset: number;

  constructor(
    readonly file: string,
    private readonly ingestor: JournalIngestor,
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  /**
   * Ingests every complete line appended since the last call. With `final`, a trailing line without newline is
   * reported as torn (the writer died mid-line) and skipped. Returns the number of lines ingested.
   */
  poll(final = false): number {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0; // the agent has not started writing yet
      throw e;
    }
    let lines = 0;
    try {
      const size = fs.fstatSync(fd).size;
      while (this.offset < size) {
        const want = Math.min(SLICE, size - this.offset);
        const buf = Buffer.allocUnsafe(want);
        const got = fs.readSync(fd, buf, 0, want, this.offset);
        if (got <= 0) break;
        const end = buf.lastIndexOf(0x0a, got - 1);
        if (end < 0) {
          // One line longer than a slice (a huge inline payload): read on until its newline.
          if (got === want && this.offset + got < size && this.readLongLine(fd, size)) {
            lines++;
            continue;
          }
          break;
        }
        const text = buf.toString('utf8', 0, end + 1);
        lines += this.ingestor.ingestText(text, this.offset + end + 1).lines;
        this.offset += end + 1;
      }
      if (final && this.offset < size) this.ingestor.noteTornTail(size - this.offset);
    } finally {
      fs.closeSync(fd);
    }
    return lines;
  }

  private readLongLine(fd: number, size: number): boolean {
    const chunks: Buffer[] = [];
    let pos = this.offset;
    while (pos < size) {
      const buf = Buffer.allocUnsafe(Math.min(SLICE, size - pos));
      const got = fs.readSync(fd, buf, 0, buf.length, pos);
      if (got <= 0) return false;
      const nl = buf.subarray(0, got).indexOf(0x0a);
      if (nl >= 0) {
        chunks.push(buf.subarray(0, nl + 1));
        const text = Buffer.concat(chunks).toString('utf8');
        const end = pos + nl + 1;
        this.ingestor.ingestText(text, end);
        this.offset = end;
        return true;
      }
      chunks.push(buf.subarray(0, got));
      pos += got;
    }
    return false;
  }
}
