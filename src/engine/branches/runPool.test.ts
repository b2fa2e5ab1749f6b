/** The pool: bounded concurrency, every result reported, a failing job does not stop the others. */
import { describe, expect, it } from 'vitest';
import { defaultConcurrency, runPool, type PoolResult } from './runPool.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it('never runs more than N at once, and runs N at once when it can', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 12 }, (_, i) => i);
    const results = await runPool(
      items,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5 + ((i * 7) % 11));
        running--;
        return i * 2;
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : -1))).toEqual(items.map((i) => i * 2));
  });

  it('reports every job once as it settles; an exception is a failed result and the others still run', async () => {
    const settled: PoolResult<string, string>[] = [];
    const started: string[] = [];
    const results = await runPool(
      ['slow', 'boom', 'sync-boom', 'fast'],
      (name) => {
        started.push(name);
        if (name === 'sync-boom') throw new TypeError('thrown synchronously');
        return (async () => {
          await sleep(name === 'slow' ? 40 : 5);
          if (name === 'boom') throw new Error('job failed');
          return name.toUpperCase();
        })();
      },
      { concurrency: 2, onSettled: (r) => settled.push(r) },
    );
    expect(started).toEqual(['slow', 'boom', 'sync-boom', 'fast']);
    expect(results.map((r) => [r.item, r.ok])).toEqual([
      ['slow', true],
      ['boom', false],
      ['sync-boom', false],
      ['fast', true],
    ]);
    expect(results[0]).toMatchObject({ ok: true, value: 'SLOW', index: 0 });
    expect((results[1] as { error: Error }).error.message).toBe('job failed');
    expect((results[2] as { error: Error }).error).toBeInstanceOf(TypeError);
    // Completion order: the slow job settles last although it started first.
    expect(settled.map((r) => r.item)).toEqual(['boom', 'sync-boom', 'fast', 'slow']);
    expect(settled.every((r) => r.ms >= 0)).toBe(true);
  });

  it('a throwing onSettled does not lose results; an abort stops jobs that have not started', async () => {
    const ac = new AbortController();
    const ran: number[] = [];
    const results = await runPool(
      [1, 2, 3, 4],
      async (n) => {
        ran.push(n);
        if (n === 1) ac.abort(new Error('stop'));
        await sleep(1);
        return n;
      },
      {
        concurrency: 1,
        signal: ac.signal,
        onSettled: () => {
          throw new Error('printer broke');
        },
      },
    );
    expect(ran).toEqual([1]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
    expect((results[3] as { error: Error }).error.message).toBe('stop');
  });

  it('handles an empty list, a concurrency above the number of jobs, and defaults to the cores', async () => {
    expect(await runPool([], async () => 1)).toEqual([]);
    const r = await runPool([1, 2], async (n) => n, { concurrency: 50 });
    expect(r.map((x) => x.ok)).toEqual([true, true]);
    expect(defaultConcurrency()).toBeGreaterThanOrEqual(1);
  });
});
