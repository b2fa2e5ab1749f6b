// The recorder's byte buffer against a real file: lines come out whole and in order whatever their size (small,
// multi-byte UTF-8, larger than the buffer), base64 lines are bit-exact, bytes reach the file only on flush or
// when the buffer is full, and a failing write is reported instead of thrown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_BUFFER_BYTES, JournalBuffer } from './journalBuffer.js';

const dirs: string[] = [];
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) fs.closeSync(fd);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(): { file: string; fd: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-jbuf-'));
  dirs.push(dir);
  const file = path.join(dir, 'j.ndjson');
  const fd = fs.openSync(file, 'a');
  fds.push(fd);
  return { file, fd };
}

describe('JournalBuffer', () => {
  it('keeps lines in memory until flush, then writes them whole and in order', () => {
    const { file, fd } = open();
    const b = new JournalBuffer(fd, (e) => {
      throw e;
    });
    b.text('{"a":1}\n');
    b.text('{"é":"日本語 🎲"}\n');
    expect(b.pending).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    b.flush();
    expect(b.pending).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n{"é":"日本語 🎲"}\n');
  });

  it('writes when full, and writes a line larger than the buffer directly, after what was buffered', () => {
    const { file, fd } = open();
    const b = new JournalBuffer(fd, (e) => {
      throw e;
    });
    const lines: string[] = [];
    // ~100 KB lines of 3-byte characters: every third line fills the buffer.
    for (let i = 0; i < 7; i++) {
      const line = `${i}:${'€'.repeat(33_000)}\n`;
      lines.push(line);
      b.text(line);
    }
    const onDisk = fs.readFileSync(file, 'utf8');
    expect(onDisk.length).toBeGreaterThan(0);
    expect(lines.join('').startsWith(onDisk)).toBe(true);
    const huge = `big:${'x'.repeat(JOURNAL_BUFFER_BYTES * 2)}\n`;
    b.text(huge);
    b.text('tail\n');
    b.flush();
    expect(fs.readFileSync(file, 'utf8')).toBe(lines.join('') + huge + 'tail\n');
  });

  it('writes base64 lines bit-exactly, whole, also when they exceed the free space or the buffer', () => {
    const { file, fd } = open();
    const b = new JournalBuffer(fd, (e) => {
      throw e;
    });
    const sizes = [1, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 40_000, 3];
    const arrays = sizes.map((n) => Float64Array.from({ length: n }, (_, i) => (i === 1 ? -0 : Math.random() * 10 ** (i % 300))));
    b.text('{"t":"run"}\n');
    arrays.forEach((f, k) => b.base64Line(`{"k":${k},"f64":"`, new Uint8Array(f.buffer, 0, f.byteLength), '"}\n'));
    b.flush();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('{"t":"run"}');
    lines.slice(1).forEach((line, k) => {
      const { k: index, f64 } = JSON.parse(line) as { k: number; f64: string };
      expect(index).toBe(k);
      const bytes = Buffer.from(f64, 'base64');
      expect(Buffer.compare(bytes, Buffer.from(arrays[k].buffer))).toBe(0);
    });
  });

  it('reports a failing write and goes on', () => {
    const { fd } = open();
    const errors: unknown[] = [];
    const b = new JournalBuffer(fd, (e) => errors.push(e));
    fs.closeSync(fds.pop() as number);
    b.text('lost\n');
    b.flush();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/EBADF/);
    expect(b.pending).toBe(false);
  });
});
