// @vitest-environment happy-dom
/** The live timeline: rows a later patch completes (a call's reply, a step's duration) update without a reload. */
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EventSubscribe, EventSummary, WorkbenchApi, WorkbenchEvent } from '../../../../shared/rpc/contract';
import { useTimeline } from './useTimeline';

/** A host with one growing run: getEvents pages over `rows` as they are now (a patch replaces a row in place). */
function fakeHost(initial: EventSummary[]): { api: WorkbenchApi; subscribe: EventSubscribe; rows: EventSummary[]; emit: () => void } {
  const rows = [...initial];
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  const api = {
    getEvents: ({ from = 0, limit = 5000 }: { from?: number; limit?: number }) => {
      const after = rows.filter((r) => r.seq >= from);
      const events = after.slice(0, limit);
      return Promise.resolve({ events, total: rows.length, ...(after.length > limit ? { nextFrom: after[limit].seq } : {}) });
    },
  } as unknown as WorkbenchApi;
  const subscribe: EventSubscribe = (cb) => {
    listeners.add(cb);
    return () => listeners.delete(cb);
  };
  const emit = (): void => {
    for (const l of listeners) l({ type: 'runUpdated', data: { runId: 'r', status: 'running', steps: rows.length } } as WorkbenchEvent);
  };
  return { api, subscribe, rows, emit };
}

describe('useTimeline (live)', () => {
  it("re-reads open rows on each change: a step's duration and a call's reply appear without a reload", async () => {
    const host = fakeHost([
      { seq: 0, kind: 'step', ts: 1, title: 'plan', detail: 'step' },
      { seq: 1, kind: 'llm', ts: 2, title: 'openai gpt-4o → pending' },
    ]);
    const { result } = renderHook(() => useTimeline(host.api, host.subscribe, 'r', undefined));
    await waitFor(() => expect(result.current.rows).toHaveLength(2));
    expect(result.current.rows[1].durationMs).toBeUndefined();

    // The call completes (a patch), a new event arrives, then the step ends.
    host.rows[1] = { seq: 1, kind: 'llm', ts: 2, title: 'openai gpt-4o → Hello', durationMs: 420 };
    host.rows.push({ seq: 2, kind: 'console', ts: 3, title: 'stdout: Hello' });
    act(() => host.emit());
    await waitFor(() => expect(result.current.rows).toHaveLength(3));
    expect(result.current.rows[1]).toMatchObject({ title: 'openai gpt-4o → Hello', durationMs: 420 });
    expect(result.current.rows[0].durationMs).toBeUndefined();

    host.rows[0] = { seq: 0, kind: 'step', ts: 1, title: 'plan (1.2s)', detail: 'step', durationMs: 1200 };
    act(() => host.emit());
    await waitFor(() => expect(result.current.rows[0].durationMs).toBe(1200));
    expect(result.current.rows.map((r) => r.seq)).toEqual([0, 1, 2]);
  });
});
