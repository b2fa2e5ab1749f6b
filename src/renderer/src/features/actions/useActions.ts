/**
 * The data side of the trace screen's actions: Replay (wait for the verdict), Resume from here, Edit & fork (load
 * the event, validate the draft as the user types, create and start the branch), Compare with… (load the diff).
 * The views (ActionsBar, EditForkPanel, ComparePanel) only get this hook's state and callbacks.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditValidation, ExportedFile, ReplayVerdictView, RunDiffView, WorkbenchApi } from '../../../../shared/rpc/contract';
import { useAsync } from '../../app/useAsync';
import { errorText } from '../format';
import { saveBase64File } from './download';
import { draftPayload, initialDraft, type Draft } from './editDraft';

/** Delay after the last keystroke before the draft is validated by the host. */
const VALIDATE_DEBOUNCE_MS = 200;

export type Job<T> = { status: 'idle' } | { status: 'running' } | { status: 'done'; value: T } | { status: 'error'; message: string };

export interface ForkState {
  seq: number;
  /** Undefined while the event loads. */
  draft?: Draft;
  /** null while a check is pending. */
  validation: EditValidation | null;
  submitting: boolean;
  error?: string;
}

export type Panel = { kind: 'none' } | { kind: 'fork'; fork: ForkState } | { kind: 'compare'; otherId?: string; diff: Job<RunDiffView> };

export interface Actions {
  replay: Job<ReplayVerdictView>;
  /** The last branch started from here (resume or fork), or why it could not start. */
  started: Job<{ branchId: string; how: 'resume' | 'fork' | 'run' }>;
  panel: Panel;
  /** The last export of this run: its file name and size once saved, or why it failed. */
  exported: Job<{ fileName: string; bytes: number }>;
  runReplay(): void;
  exportRun(): void;
  /** Runs this run, a branch created but not run yet. */
  runBranch(): void;
  resumeFrom(step: number): void;
  openFork(seq: number): void;
  setDraftText(text: string): void;
  confirmFork(): void;
  openCompare(): void;
  compareWith(otherId: string): void;
  closePanel(): void;
}

export function useActions(api: WorkbenchApi, runId: string): Actions {
  const [replay, setReplay] = useState<Job<ReplayVerdictView>>({ status: 'idle' });
  const [started, setStarted] = useState<Actions['started']>({ status: 'idle' });
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [exported, setExported] = useState<Actions['exported']>({ status: 'idle' });
  // Results that arrive after the user moved to another run are dropped.
  const current = useRef(runId);
  useEffect(() => {
    current.current = runId;
  }, [runId]);
  // Another run: start clean (reset during render, React's pattern for state derived from a prop change).
  const [shownFor, setShownFor] = useState(runId);
  if (shownFor !== runId) {
    setShownFor(runId);
    setReplay({ status: 'idle' });
    setStarted({ status: 'idle' });
    setPanel({ kind: 'none' });
    setExported({ status: 'idle' });
  }
  const forRun = useCallback(<T,>(fn: (v: T) => void) => (v: T) => current.current === runId && fn(v), [runId]);

  const runReplay = useCallback(() => {
    setReplay({ status: 'running' });
    api.replayRun({ runId }).then(
      forRun((value: ReplayVerdictView) => setReplay({ status: 'done', value })),
      forRun((e: unknown) => setReplay({ status: 'error', message: errorText(e) })),
    );
  }, [api, runId, forRun]);

  const exportRun = useCallback(() => {
    setExported({ status: 'running' });
    api.exportRun({ runId }).then(
      forRun((f: ExportedFile) => {
        saveBase64File(f.fileName, f.dataB64);
        setExported({ status: 'done', value: { fileName: f.fileName, bytes: f.bytes } });
      }),
      forRun((e: unknown) => setExported({ status: 'error', message: errorText(e) })),
    );
  }, [api, runId, forRun]);

  const runBranch = useCallback(() => {
    setStarted({ status: 'running' });
    api.runBranch({ runId }).then(
      forRun((r: { branchId: string }) => setStarted({ status: 'done', value: { branchId: r.branchId, how: 'run' } })),
      forRun((e: unknown) => setStarted({ status: 'error', message: errorText(e) })),
    );
  }, [api, runId, forRun]);

  const resumeFrom = useCallback(
    (step: number) => {
      setStarted({ status: 'running' });
      api.resumeFrom({ runId, step }).then(
        forRun((r: { branchId: string }) => setStarted({ status: 'done', value: { branchId: r.branchId, how: 'resume' } })),
        forRun((e: unknown) => setStarted({ status: 'error', message: errorText(e) })),
      );
    },
    [api, runId, forRun],
  );

  const openFork = useCallback(
    (seq: number) => {
      setPanel({ kind: 'fork', fork: { seq, validation: null, submitting: false } });
      api.getEvent({ runId, seq }).then(
        forRun((detail: Awaited<ReturnType<WorkbenchApi['getEvent']>>) => setPanel((p) => (p.kind === 'fork' && p.fork.seq === seq ? { kind: 'fork', fork: { ...p.fork, draft: initialDraft(detail) } } : p))),
        forRun((e: unknown) => setPanel((p) => (p.kind === 'fork' ? { kind: 'fork', fork: { ...p.fork, error: errorText(e) } } : p))),
      );
    },
    [api, runId, forRun],
  );

  const setDraftText = useCallback((text: string) => {
    setPanel((p) => (p.kind === 'fork' && p.fork.draft ? { kind: 'fork', fork: { ...p.fork, draft: { ...p.fork.draft, text }, validation: null, error: undefined } } : p));
  }, []);

  // As-you-type validation: the host checks the draft against the event (debounced; a stale answer is dropped).
  const fork = panel.kind === 'fork' ? panel.fork : undefined;
  const draft = fork?.draft;
  const forkSeq = fork?.seq;
  useEffect(() => {
    if (!draft || forkSeq === undefined) return;
    const local = draftPayload(draft);
    let live = true;
    const apply = (validation: EditValidation): void => {
      if (live) setPanel((p) => (p.kind === 'fork' && p.fork.draft === draft ? { kind: 'fork', fork: { ...p.fork, validation } } : p));
    };
    if (!local.ok) {
      apply({ ok: false, error: local.error });
      return () => void (live = false);
    }
    const timer = setTimeout(() => {
      api.validateEdit({ runId, seq: forkSeq, payload: local.payload }).then(apply, (e: unknown) => apply({ ok: false, error: errorText(e) }));
    }, VALIDATE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, runId, draft, forkSeq]);

  const confirmFork = useCallback(() => {
    if (!fork?.draft || !fork.validation?.ok) return;
    const local = draftPayload(fork.draft);
    if (!local.ok) return;
    const seq = fork.seq;
    setPanel({ kind: 'fork', fork: { ...fork, submitting: true } });
    api.createBranchAndRun({ runId, step: seq, edits: [{ seq, payload: local.payload }] }).then(
      forRun((r: { branchId: string }) => {
        setStarted({ status: 'done', value: { branchId: r.branchId, how: 'fork' } });
        setPanel({ kind: 'none' });
      }),
      forRun((e: unknown) => setPanel((p) => (p.kind === 'fork' ? { kind: 'fork', fork: { ...p.fork, submitting: false, error: errorText(e) } } : p))),
    );
  }, [api, runId, fork, forRun]);

  const openCompare = useCallback(() => setPanel({ kind: 'compare', diff: { status: 'idle' } }), []);
  const compareWith = useCallback(
    (otherId: string) => {
      setPanel({ kind: 'compare', otherId, diff: { status: 'running' } });
      api.diffRuns({ a: runId, b: otherId }).then(
        forRun((value: RunDiffView) => setPanel((p) => (p.kind === 'compare' && p.otherId === otherId ? { ...p, diff: { status: 'done', value } } : p))),
        forRun((e: unknown) => setPanel((p) => (p.kind === 'compare' && p.otherId === otherId ? { ...p, diff: { status: 'error', message: errorText(e) } } : p))),
      );
    },
    [api, runId, forRun],
  );
  const closePanel = useCallback(() => setPanel({ kind: 'none' }), []);

  return { replay, started, panel, exported, runReplay, exportRun, runBranch, resumeFrom, openFork, setDraftText, confirmFork, openCompare, compareWith, closePanel };
}

/** The kind of the selected step (what decides whether Edit & fork applies), or undefined while it loads. */
export function useStepKind(api: WorkbenchApi, runId: string, step: number | undefined): string | undefined {
  const load = useCallback(() => api.getEvent({ runId, seq: step as number }).then((d) => d.event.kind), [api, runId, step]);
  const kind = useAsync(step === undefined ? null : load);
  return kind.status === 'ready' ? kind.value : undefined;
}
