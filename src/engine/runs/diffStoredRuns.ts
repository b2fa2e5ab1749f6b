/**
 * `agenttrace diff` over the store: both runs read with their lineage (a branch's inherited events up to its fork,
 * then its own), tokens and cost of the whole lineage, aligned and compared by the pure diffRuns. The report is
 * JSON-ready: what the CLI prints with --json and renders for humans.
 */
import type { PriceTable } from '../../shared/model/pricing.js';
import { diffRuns, VALUE_KINDS } from '../../shared/model/runDiff.js';
import type { DiffChange, DiffReport, DiffRunInfo } from '../../shared/model/diffReport.js';
import type { HttpResponseRecord, Json, LlmPayload, TraceEvent } from '../../shared/trace/types.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { costFields, lineageCost } from './runCost.js';

export type { DiffChange, DiffReport, DiffRunInfo };

export interface DiffStoredOptions {
  prices: PriceTable;
  /**
   * Compare random/time/crypto values: 'auto' (default) compares them only when both runs belong to one branch tree
   * (a branch replays its parent's values, so a changed value there is real); separate recordings always differ.
   */
  values?: 'auto' | 'compare' | 'ignore';
}

/** Diffs two runs given by id or unique prefix (NotFoundError / AmbiguousIdError otherwise). */
export function diffStoredRuns(store: TraceStore, idA: string, idB: string, opts: DiffStoredOptions): DiffReport {
  const lineageA = store.lineage(store.resolveRunId(idA));
  const lineageB = store.lineage(store.resolveRunId(idB));
  const [runA, runB] = [lineageA.run, lineageB.run];
  const eventsA = lineageA.events();
  const eventsB = lineageB.events();
  const infoA = runInfo(store, runA, eventsA, opts.prices);
  const infoB = runInfo(store, runB, eventsB, opts.prices);
  const values = opts.values ?? 'auto';
  const compareValues = values === 'compare' || (values === 'auto' && lineageA.root.id === lineageB.root.id);
  const side = (info: DiffRunInfo, events: TraceEvent[]): Parameters<typeof diffRuns>[0] => ({
    id: info.id,
    events,
    status: info.status,
    exitCode: info.exitCode,
    tokens: info.totalTokens,
    costUsd: info.costUsd ?? 0,
    durationMs: info.durationMs,
  });
  const d = diffRuns(side(infoA, eventsA), side(infoB, eventsB), { ignoreKinds: compareValues ? [] : VALUE_KINDS });
  const byIndex = (events: TraceEvent[], i: number): { seq: number; kind: string } => ({ seq: events[i].seq, kind: events[i].kind });
  const onlyInA = d.aligned.filter((x) => x.b === undefined && x.a !== undefined).map((x) => byIndex(eventsA, x.a!));
  const onlyInB = d.aligned.filter((x) => x.a === undefined && x.b !== undefined).map((x) => byIndex(eventsB, x.b!));
  const both = d.aligned.filter((x) => x.a !== undefined && x.b !== undefined);
  const bySeqA = new Map(eventsA.map((e) => [e.seq, e]));
  const unknownCost = infoA.unpricedCalls > 0 || infoB.unpricedCalls > 0;
  return {
    a: infoA,
    b: infoB,
    identical: d.firstDivergence === undefined,
    ignoredKinds: d.ignoredKinds,
    firstDivergence: d.firstDivergence ?? null,
    changedReplies: d.changedReplies.map((c) => ({ ...c, model: (bySeqA.get(c.seqA)?.payload as LlmPayload | undefined)?.model })),
    changedResults: d.changedResults.map((c) => ({ ...c, before: responseView(c.kind, c.before), after: responseView(c.kind, c.after) })),
    onlyInA,
    onlyInB,
    counts: { aligned: both.length, same: both.filter((x) => x.same).length, changed: both.filter((x) => !x.same).length, onlyInA: onlyInA.length, onlyInB: onlyInB.length },
    delta: { ...d.delta, costUsd: unknownCost ? null : d.delta.costUsd },
  };
}

function runInfo(store: TraceStore, run: StoredRun, events: TraceEvent[], prices: PriceTable): DiffRunInfo {
  const lineage = lineageCost(store, run, prices);
  const cost = lineage.total;
  const info: DiffRunInfo = {
    id: run.id,
    scriptPath: run.scriptPath,
    status: run.status,
    exitCode: run.exitCode,
    exitSignal: run.exitSignal,
    steps: events.length,
    llmCalls: cost.llmCalls,
    totalTokens: cost.usage.totalTokens,
    ...costFields(cost),
    durationMs: run.endedAt !== null ? Math.max(0, run.endedAt - run.startedAt) : null,
  };
  if (run.name !== undefined) info.name = run.name;
  if (run.parentId !== undefined) {
    info.parentId = run.parentId;
    info.ownTokens = lineage.own.usage.totalTokens;
  }
  if (run.forkSeq !== undefined) info.forkSeq = run.forkSeq;
  return info;
}

/** An HTTP response as compared (content() joined stream chunks into a string): status and body text only. */
function responseView(kind: string, v: Json): Json {
  if (kind !== 'http' || !v || typeof v !== 'object' || Array.isArray(v)) return v;
  const r = v as unknown as HttpResponseRecord & { chunks?: string };
  const body = typeof r.chunks === 'string' ? r.chunks : r.body && 'text' in r.body ? r.body.text : r.body ? `<blob ${r.body.blob.slice(0, 12)}, ${r.body.size} B>` : '';
  return { status: r.status, body };
}
