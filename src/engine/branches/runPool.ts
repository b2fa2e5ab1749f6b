/**
 * A bounded pool of async jobs: at most `concurrency` run at once, every job's result is reported (as it settles,
 * and in input order at the end), and a job that throws is a failed result, never a reason to stop the others.
 * Used by `agenttrace branch run` to replay several branches at once (each job spawns its own agent process).
 */
import os from 'node:os';

export type PoolResult<T, R> = { item: T; index: number; ok: true; value: R; ms: number } | { item: T; index: number; ok: false; error: unknown; ms: number };

export interface PoolOptions<T, R> {
  /** Jobs running at once (default: os.availableParallelism()). Values below 1 mean 1. */
  concurrency?: number;
  /** Called once per job as soon as it settles (in completion order). An exception here is ignored. */
  onSettled?: (result: PoolResult<T, R>) => void;
  /** When aborted, jobs not started yet are not started (they settle as failed with the abort reason). */
  signal?: AbortSignal;
}

/** The default pool size: the number of cores this process may use. */
export function defaultConcurrency(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** Runs `job` over `items` with at most `concurrency` at once; resolves with every result in input order. */
export async function runPool<T, R>(items: readonly T[], job: (item: T, index: number) => Promise<R>, opts: PoolOptions<T, R> = {}): Promise<PoolResult<T, R>[]> {
  const limit = Math.max(1, Math.floor(opts.concurrency ?? defaultConcurrency()));
  const results = new Array<PoolResult<T, R>>(items.length);
  let next = 0;
  const settle = (r: PoolResult<T, R>): void => {
    results[r.index] = r;
    try {
      opts.onSettled?.(r);
    } catch {
      // A reporting failure must not lose the other jobs' results.
    }
  };
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      const t0 = Date.now();
      if (opts.signal?.aborted) {
        settle({ item, index, ok: false, error: opts.signal.reason ?? new Error('aborted'), ms: 0 });
        continue;
      }
      try {
        const value = await job(item, index);
        settle({ item, index, ok: true, value, ms: Date.now() - t0 });
      } catch (error) {
        settle({ item, index, ok: false, error, ms: Date.now() - t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
