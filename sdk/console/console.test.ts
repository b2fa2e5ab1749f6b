// Console capture through real child processes: output is byte-identical to an unrecorded run, every write is
// one event in program order, and the recorded text (only) is secret-masked.
import { afterAll, describe, expect, it } from 'vitest';
import { readJournalEvents } from '../../test/helpers/journal.js';
import type { ConsolePayload } from '../../src/shared/trace/types.js';
import { cleanupTempDirs, spawnAgent } from '../determinism/spawnAgent.js';
import { MAX_CONSOLE_TEXT } from './installConsole.js';

const FAKE_KEY = 'sk-test-console0123456789abcdef';

afterAll(cleanupTempDirs);

describe('console capture', () => {
  it('passes output through byte for byte and records each write in order, secrets masked', async () => {
    const env = { OPENAI_API_KEY: FAKE_KEY };
    const [run, plain] = await Promise.all([spawnAgent('test/agents/console-out.mjs', { env }), spawnAgent('test/agents/console-out.mjs', { env, record: false })]);
    expect(run.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(run.stdout.equals(plain.stdout)).toBe(true);
    expect(run.stderr.equals(plain.stderr)).toBe(true);
    expect(run.stdout.toString()).toContain(FAKE_KEY);

    const events = readJournalEvents(run.journal!);
    const consoleEvs = events.filter((e) => e.kind === 'console').map((e) => e.payload as ConsolePayload);
    const out = consoleEvs.filter((p) => p.stream === 'stdout').map((p) => p.text);
    const err = consoleEvs.filter((p) => p.stream === 'stderr').map((p) => p.text);

    // stdout: the events concatenate to exactly what was printed, except the masked secret.
    expect(out.join('')).toBe(run.stdout.toString('utf8').replace(FAKE_KEY, '***'));
    expect(out.slice(0, 9)).toEqual(['hello 42 { a: 1, b: [ 1, 2 ] }\n', 'info line\n', 'partial ', 'rest\n', 'buffer line\n', 'c', 'é\n', 'hi\n', 'u8\n']);
    expect(out).toContain('key *** done\n');
    expect(out.filter((t) => t.includes('┌'))).toHaveLength(1); // console.table is one write
    expect(JSON.stringify(consoleEvs)).not.toContain(FAKE_KEY);

    // stderr: the oversized write is cut in the record only.
    expect(err.slice(0, 2)).toEqual(['error line\n', 'warn line\n']);
    const big = err[2];
    expect(err).toHaveLength(3);
    expect(big.startsWith('x'.repeat(MAX_CONSOLE_TEXT) + '\n[agenttrace: ')).toBe(true);
    expect(big).toContain(`${300 * 1024 + 1 - MAX_CONSOLE_TEXT} more characters not recorded`);
    expect(run.stderr.length).toBe('error line\nwarn line\n'.length + 300 * 1024 + 1);

    // Program order across kinds: console.log('before'), Math.random(), console.log('after').
    const seqOf = (pred: (e: (typeof events)[number]) => boolean): number => events.find(pred)!.seq;
    const before = seqOf((e) => e.kind === 'console' && (e.payload as ConsolePayload).text === 'before\n');
    const random = seqOf((e) => e.kind === 'random');
    const after = seqOf((e) => e.kind === 'console' && (e.payload as ConsolePayload).text === 'after\n');
    expect(before).toBeLessThan(random);
    expect(random).toBeLessThan(after);
  });
});
