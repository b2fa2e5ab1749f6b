/**
 * The read side of the workbench contract over the store: run details, the run tree (graph input), timeline pages,
 * one event with its bodies, the state at a step with what changed, console output and files. Every function takes
 * params the dispatcher already validated; unknown runs and steps throw NotFoundError (ATR_NOT_FOUND on the wire).
 */
import { toEventSummary } from '../../shared/model/eventSummary.js';
import { editSummaries } from '../../shared/model/runLineage.js';
import type { ConsoleLine, EventDetail, EventPage, FileView, ParamsOf, RunDetail, RunSummary, StateView } from '../../shared/rpc/contract.js';
import { changedPaths } from '../../shared/trace/stateDiff.js';
import { fileRenames } from '../../shared/trace/fsFiles.js';
import type { ConsolePayload, FsPayload, HttpPayload, Json, StateAtStep } from '../../shared/trace/types.js';
import { failureClasses, getFailure } from '../store/failureStore.js';
import { latestFixByRun } from '../store/fixStore.js';
import { NotFoundError } from '../errors.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { fileView, resolveBody } from './blobText.js';

/** Console lines returned when the caller does not say how many. */
const DEFAULT_CONSOLE_LINES = 2000;
const DEFAULT_PAGE = 500;

export function toRunSummary(r: StoredRun): RunSummary {
  const s: RunSummary = { id: r.id, scriptPath: r.scriptPath, status: r.status, steps: r.steps, llmCalls: r.llmCalls, totalTokens: r.usage.totalTokens, startedAt: r.startedAt, exitCode: r.exitCode };
  if (r.name !== undefined) s.name = r.name;
  if (r.parentId !== undefined) s.parentId = r.parentId;
  if (r.forkSeq !== undefined) s.forkSeq = r.forkSeq;
  const edits = editSummaries(r.overrides);
  if (edits.length > 0) s.edits = edits;
  if (r.endedAt !== null) s.endedAt = r.endedAt;
  return s;
}

export function getRunDetail(store: TraceStore, runId: string): RunDetail {
  const run = store.getRun(runId);
  const lineage = store.lineage(run);
  const revision = store.revisionOf(run.id);
  const detail: RunDetail = {
    ...toRunSummary(run),
    ...(revision > 0 ? { revision } : {}),
    scriptSha256: run.scriptSha256,
    argv: run.argv,
    cwd: run.cwd,
    mode: run.mode,
    nodeVersion: run.nodeVersion,
    sdkVersion: run.sdkVersion,
    keyframeEvery: run.keyframeEvery,
    promptTokens: run.usage.promptTokens,
    completionTokens: run.usage.completionTokens,
    exitSignal: run.exitSignal,
    warnings: run.warnings,
    overrideSeqs: Object.keys(run.overrides ?? {})
      .map(Number)
      .filter(Number.isInteger)
      .sort((a, b) => a - b),
    rootId: lineage.root.id,
    eventCount: lineage.count(),
  };
  if (run.scriptSource !== undefined) detail.scriptSource = run.scriptSource;
  const [withFix] = withFixInfo(store, [detail]);
  const failure = getFailure(store, run.id);
  return failure ? { ...withFix, failure } : withFix;
}

/**
 * Runs with what the AutoFix Engine knows of them: the failure class detection stored when the run ended, and the
 * latest fix attempt (status, best verdict) for the Traces screen's verdict column. Two indexed reads per run.
 */
export function withFixInfo<T extends RunSummary>(store: TraceStore, runs: T[]): T[] {
  const ids = runs.map((r) => r.id);
  const failures = failureClasses(store, ids);
  const fixes = latestFixByRun(store, ids);
  return runs.map((r) => {
    const cls = failures.get(r.id);
    const fix = fixes.get(r.id);
    if (!cls && !fix) return r;
    const out: T = { ...r };
    if (cls) out.failureClass = cls;
    if (fix) out.latestFix = { id: fix.id, status: fix.status, ...(fix.bestVerdict ? { bestVerdict: fix.bestVerdict } : {}) };
    return out;
  });
}

/** The root and every descendant, breadth first (parents before children), each child list oldest first. */
export function getRunTree(store: TraceStore, runId: string): { rootId: string; runs: RunSummary[] } {
  const root = store.lineage(runId).root;
  const runs: RunSummary[] = [];
  const seen = new Set<string>();
  const queue: StoredRun[] = [root];
  while (queue.length > 0) {
    const r = queue.shift() as StoredRun;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    runs.push(toRunSummary(r));
    for (const id of store.childRunIds(r.id)) {
      const child = store.findRun(id);
      if (child) queue.push(child);
    }
  }
  return { rootId: root.id, runs: withFixInfo(store, runs) };
}

export function getEventsPage(store: TraceStore, p: ParamsOf<'getEvents'>): EventPage {
  const lineage = store.lineage(p.runId);
  const limit = p.limit ?? DEFAULT_PAGE;
  // One extra event tells whether there is a next page.
  const events = lineage.events({ from: p.from, kinds: p.kinds, limit: limit + 1 });
  const page: EventPage = { events: events.slice(0, limit).map((e) => toEventSummary(e)), total: lineage.count({ kinds: p.kinds }) };
  if (events.length > limit) page.nextFrom = events[limit].seq;
  return page;
}

export function getEventDetail(store: TraceStore, runId: string, seq: number): EventDetail {
  const run = store.getRun(runId);
  const owner = store.lineage(run).ownerOf(seq);
  const event = store.getEvent(owner, seq);
  if (!event) throw new NotFoundError(`run ${runId} has no event ${seq}`, `its steps are 0..${Math.max(0, maxSeq(run))}`, { seq });
  const detail: EventDetail = { runId: owner, event, bodies: {} };
  if (event.kind === 'llm' || event.kind === 'http') {
    const h = event.payload as HttpPayload;
    const request = resolveBody(store, h.request?.body);
    const response = resolveBody(store, h.response?.body);
    if (request) detail.bodies.request = request;
    if (response) detail.bodies.response = response;
  }
  return detail;
}

function maxSeq(run: StoredRun): number {
  return Math.max(run.steps - 1, run.forkSeq ?? -1);
}

function stateAtChecked(store: TraceStore, run: StoredRun, seq: number): StateAtStep {
  if (seq > maxSeq(run)) {
    throw new NotFoundError(`step ${seq} is beyond the end of run ${run.id}`, run.steps > 0 ? `its steps are 0..${maxSeq(run)}` : 'it recorded no steps', { seq, steps: run.steps });
  }
  return store.lineage(run).stateAt(seq);
}

/** What the inspector compares between steps: tracked state, globals and the frames' locals. */
function comparable(s: Pick<StateAtStep, 'tracked' | 'globals' | 'frames'>): Json {
  return { tracked: s.tracked, globals: s.globals, frames: s.frames as unknown as Json };
}

export function getStateView(store: TraceStore, runId: string, seq: number): StateView {
  const run = store.getRun(runId);
  const state = stateAtChecked(store, run, seq);
  const prev = seq > 0 ? store.lineage(run).stateAt(seq - 1) : { tracked: {}, globals: {}, frames: [] };
  return { ...state, changedPaths: changedPaths(comparable(prev), comparable(state)), renamed: renamesAt(store, run, seq) };
}

/** Renames recorded up to `seq` along the run's lineage (source → destination). */
export function renamesAt(store: TraceStore, run: StoredRun | string, seq: number): Record<string, string> {
  return fileRenames(store.lineage(run).events({ to: seq, kinds: ['fs'] }).map((e) => e.payload as FsPayload));
}

export function getConsoleLines(store: TraceStore, p: ParamsOf<'getConsole'>): { lines: ConsoleLine[]; total: number } {
  const events = store.lineage(p.runId).events({ to: p.toSeq, kinds: ['console'] });
  const limit = p.limit ?? DEFAULT_CONSOLE_LINES;
  const lines = events.slice(Math.max(0, events.length - limit)).map((e) => {
    const c = e.payload as ConsolePayload;
    return { seq: e.seq, ts: e.ts, stream: c.stream === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') } satisfies ConsoleLine;
  });
  return { lines, total: events.length };
}

export function getFileAt(store: TraceStore, p: ParamsOf<'getFile'>): FileView {
  const run = store.getRun(p.runId);
  const state = stateAtChecked(store, run, p.seq);
  if (!Object.prototype.hasOwnProperty.call(state.files, p.path)) {
    throw new NotFoundError(`no file ${p.path} was written by step ${p.seq} of run ${p.runId}`, 'pick a file from the Files tab of that step', { path: p.path, seq: p.seq });
  }
  return fileView(store, p.path, p.seq, state.files[p.path]);
}
