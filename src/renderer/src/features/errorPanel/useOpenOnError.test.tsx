// @vitest-environment happy-dom
import { cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventPage, RunDetail, WorkbenchApi } from '../../../../shared/rpc/contract';
import { useOpenOnError } from './useOpenOnError';

afterEach(cleanup);

function runOf(over: Partial<RunDetail>): RunDetail {
  return { id: 'r1', status: 'failed', failure: undefined, ...over } as RunDetail;
}

function apiWith(errorSeqs: number[]): WorkbenchApi {
  const page: EventPage = { events: errorSeqs.map((seq) => ({ seq }) as EventPage['events'][number]), total: errorSeqs.length };
  return { getEvents: vi.fn(async () => page) } as unknown as WorkbenchApi;
}

describe('useOpenOnError', () => {
  it('selects the last error step of a failed run opened without a step, once', async () => {
    const select = vi.fn();
    const api = apiWith([4, 17]);
    const { rerender } = renderHook(({ step }) => useOpenOnError(api, runOf({}), step, select), { initialProps: { step: undefined as number | undefined } });
    await waitFor(() => expect(select).toHaveBeenCalledWith(17));
    rerender({ step: 17 });
    rerender({ step: undefined });
    expect(select).toHaveBeenCalledTimes(1);
    expect(api.getEvents).toHaveBeenCalledWith({ runId: 'r1', kinds: ['error'], limit: 100 });
  });

  it('without an error event, the failing step detection named', async () => {
    const select = vi.fn();
    renderHook(() => useOpenOnError(apiWith([]), runOf({ failure: { seq: 9 } as RunDetail['failure'] }), undefined, select));
    await waitFor(() => expect(select).toHaveBeenCalledWith(9));
  });

  it('leaves a chosen step, a run that did not fail and a run still recording alone', async () => {
    const select = vi.fn();
    const api = apiWith([3]);
    renderHook(() => useOpenOnError(api, runOf({}), 2, select));
    renderHook(() => useOpenOnError(api, runOf({ status: 'ok' }), undefined, select));
    const live = renderHook(({ run }) => useOpenOnError(api, run, undefined, select), { initialProps: { run: runOf({ status: 'running' }) } });
    await new Promise((r) => setTimeout(r, 20));
    expect(select).not.toHaveBeenCalled();
    // The recording ends failed: now it opens on its error.
    live.rerender({ run: runOf({ status: 'failed' }) });
    await waitFor(() => expect(select).toHaveBeenCalledWith(3));
  });
});
