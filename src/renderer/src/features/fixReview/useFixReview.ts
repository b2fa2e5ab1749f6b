/**
 * The data side of the fix review screen: the report (re-read when the engine reports progress: it is saved after
 * each stage), the live stage strip folded from fixProgress events, and the actions (cancel, apply, undo) with
 * their outcome. A stale file (ATR_FIX_STALE) comes back as a message of its own, never as a crash.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FixReport } from '../../../../shared/afe/types';
import { NO_PROGRESS, reduceProgress, type ProgressState } from '../../../../shared/model/fixReview';
import type { EventSubscribe, WorkbenchApi } from '../../../../shared/rpc/contract';
import { errorText } from '../format';

export type ReportState = { status: 'loading' } | { status: 'ready'; report: FixReport } | { status: 'missing'; message: string } | { status: 'error'; message: string };

/** The outcome of the last apply/undo/cancel: what was written, or why not (stale files are told apart). */
export type ActionOutcome =
  | { status: 'idle' }
  | { status: 'busy'; what: 'apply' | 'undo' | 'cancel' }
  | { status: 'done'; message: string }
  | { status: 'error'; message: string; stale: boolean };

export interface FixReview {
  report: ReportState;
  progress: ProgressState;
  outcome: ActionOutcome;
  cancel(): void;
  apply(candidate: number): Promise<boolean>;
  undo(): void;
  clearOutcome(): void;
}

/** Reloads at most this often while the engine reports progress. */
const RELOAD_THROTTLE_MS = 250;

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

export function useFixReview(api: WorkbenchApi, subscribe: EventSubscribe, fixId: string): FixReview {
  const [report, setReport] = useState<ReportState>({ status: 'loading' });
  const [progress, setProgress] = useState<ProgressState>(NO_PROGRESS);
  const [outcome, setOutcome] = useState<ActionOutcome>({ status: 'idle' });
  const [generation, setGeneration] = useState(0);
  const [shownFor, setShownFor] = useState(fixId);
  if (shownFor !== fixId) {
    setShownFor(fixId);
    setReport({ status: 'loading' });
    setProgress(NO_PROGRESS);
    setOutcome({ status: 'idle' });
  }
  const current = useRef(fixId);
  useEffect(() => {
    current.current = fixId;
  }, [fixId]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (e.type !== 'fixProgress' || e.data.fixId !== fixId) return;
      setProgress((p) => reduceProgress(p, e.data));
      if (e.data.stage === 'done') {
        clearTimeout(timer);
        timer = undefined;
        setGeneration((g) => g + 1);
        return;
      }
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        setGeneration((g) => g + 1);
      }, RELOAD_THROTTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [subscribe, fixId]);

  useEffect(() => {
    let live = true;
    api.getFix({ fixId }).then(
      (r) => live && setReport({ status: 'ready', report: r }),
      (e: unknown) => {
        if (!live) return;
        // A fix is saved once detection found a failure: before that (and for a run that did not fail) there is no report.
        if (codeOf(e) === 'ATR_NOT_FOUND') setReport((prev) => (prev.status === 'ready' ? prev : { status: 'missing', message: errorText(e) }));
        else setReport({ status: 'error', message: errorText(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, fixId, generation]);

  const forFix = useCallback(<T,>(fn: (v: T) => void) => (v: T) => current.current === fixId && fn(v), [fixId]);
  const fail = useCallback((e: unknown) => setOutcome({ status: 'error', message: errorText(e), stale: codeOf(e) === 'ATR_FIX_STALE' }), []);

  const cancel = useCallback(() => {
    setOutcome({ status: 'busy', what: 'cancel' });
    api.cancelFix({ fixId }).then(
      forFix((r: { cancelled: boolean }) => setOutcome(r.cancelled ? { status: 'done', message: 'Cancelling: the fix stops after the replay in progress.' } : { status: 'done', message: 'This fix is no longer running.' })),
      forFix(fail),
    );
  }, [api, fixId, forFix, fail]);

  const apply = useCallback(
    (candidate: number): Promise<boolean> => {
      setOutcome({ status: 'busy', what: 'apply' });
      return api.applyFix({ fixId, candidate }).then(
        (r) => {
          if (current.current === fixId) {
            setOutcome({ status: 'done', message: `Applied candidate ${r.candidate}: wrote ${r.files.length} file${r.files.length === 1 ? '' : 's'}.` });
            setGeneration((g) => g + 1);
          }
          return true;
        },
        (e: unknown) => {
          if (current.current === fixId) fail(e);
          return false;
        },
      );
    },
    [api, fixId, fail],
  );

  const undo = useCallback(() => {
    setOutcome({ status: 'busy', what: 'undo' });
    api.undoFix({ fixId }).then(
      forFix((r: { candidate: number; files: string[] }) => {
        setOutcome({ status: 'done', message: `Undone: restored ${r.files.length} file${r.files.length === 1 ? '' : 's'} of candidate ${r.candidate} byte for byte.` });
        setGeneration((g) => g + 1);
      }),
      forFix(fail),
    );
  }, [api, fixId, forFix, fail]);

  const clearOutcome = useCallback(() => setOutcome({ status: 'idle' }), []);
  return { report, progress, outcome, cancel, apply, undo, clearOutcome };
}

/** Starts fixes; a second start of the same run while one is starting shares it (a remounted screen must not start two). */
const starting = new Map<string, Promise<{ fixId: string; runId: string }>>();

export function startFixOnce(api: WorkbenchApi, runId: string): Promise<{ fixId: string; runId: string }> {
  const inFlight = starting.get(runId);
  if (inFlight) return inFlight;
  const p = api.startFix({ runId }).finally(() => setTimeout(() => starting.delete(runId), 1000));
  starting.set(runId, p);
  return p;
}
