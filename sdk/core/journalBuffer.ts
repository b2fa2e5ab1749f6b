/**
 * The recorder's output buffer: journal lines are encoded straight into one preallocated byte buffer and written
 * with a single writeSync of bytes when it fills up or when the recorder flushes (timer, agent output, exit).
 *
 * Why bytes and not a list of strings: a numeric value batch is ~44 KB of base64 per 4,096 values; joining such
 * strings and having writeSync re-encode the result cost ~50 ns per recorded value (5x a native Math.random). Here a
 * batch costs one base64 encode and one copy into the buffer.
 * IMPORTANT: the buffer is reused right after each write, so every write is synchronous (the original writeSync).
 */
import { orig } from './originals.js';

/** Buffered bytes that trigger an immediate write (the memory bound between two timer flushes). */
export const JOURNAL_BUFFER_BYTES = 256 * 1024;

export class JournalBuffer {
  private readonly buf = Buffer.allocUnsafe(JOURNAL_BUFFER_BYTES);
  private len = 0;

  /** @param onWriteError called when the journal cannot be written (the buffered bytes are dropped). */
  constructor(
    private readonly fd: number,
    private readonly onWriteError: (e: unknown) => void,
  ) {}

  /** True when bytes are waiting for the next flush. */
  get pending(): boolean {
    return this.len > 0;
  }

  /** Appends text as UTF-8; text too long for the buffer is written directly, after what is buffered. */
  text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: the cheap bound avoids measuring most strings.
    if (s.length * 3 > JOURNAL_BUFFER_BYTES - this.len) {
      const bytes = Buffer.byteLength(s, 'utf8');
      if (bytes > JOURNAL_BUFFER_BYTES - this.len) {
        this.flush();
        if (bytes > JOURNAL_BUFFER_BYTES) {
          this.writeAll(Buffer.from(s, 'utf8'));
          return;
        }
      }
    }
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /**
   * Appends `head` + base64 of the bytes + `tail` (all ASCII) as one piece: a line is never split by a flush, so a
   * crash leaves whole lines and at most one torn last line, as with string writes.
   */
  base64Line(head: string, bytes: Uint8Array, tail: string): void {
    const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    const total = head.length + b64.length + tail.length;
    if (total > JOURNAL_BUFFER_BYTES - this.len) {
      this.flush();
      if (total > JOURNAL_BUFFER_BYTES) {
        this.writeAll(Buffer.from(head + b64 + tail, 'latin1'));
        return;
      }
    }
    this.len += this.buf.write(head, this.len, 'latin1');
    this.len += this.buf.write(b64, this.len, 'latin1');
    this.len += this.buf.write(tail, this.len, 'latin1');
  }

  /** Writes the buffered bytes now. */
  flush(): void {
    if (this.len === 0) return;
    const n = this.len;
    this.len = 0;
    this.writeAll(this.buf.subarray(0, n));
  }

  private writeAll(bytes: Uint8Array): void {
    try {
      let off = 0;
      // A regular file takes everything at once; the loop only guards against a short write.
      while (off < bytes.byteLength) off += orig.writeSync(this.fd, bytes, off, bytes.byteLength - off);
    } catch (e) {
      this.onWriteError(e);
    }
  }
}
