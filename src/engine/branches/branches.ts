/**
 * Branches (DESIGN §2, issue 4): a branch is a run `<parentId>__<name>` with a fork step and edits. Created at any
 * step of any run (a trace, or a branch that has run: branches of branches), it has no events until it runs; then it
 * stores only the events after its fork (its ancestors supply the rest: store.lineage). Its edits replace
 * recorded inputs of its parent's timeline after the fork (overrides.ts); replaying it is engine/replay's `branch`
 * mode. Every failure here is one AtrError line: what is wrong, and what to type instead.
 */
import { OverrideError, normalizeOverride, type EventOverride } from '../../shared/trace/overrides.js';
import { forkText, inheritedText } from '../../shared/model/runLineage.js';
import type { TraceEvent } from '../../shared/trace/types.js';
import { AtrError, BadArgsError, NotFoundError } from '../errors.js';
import { checkStep } from '../replay/tapeFromStore.js';
import { pidAlive, readSidecar } from '../runner/hostSidecar.js';
import { branchOverrides, deleteRuns, insertBranch, setOverride, tracesWithBranches } from '../store/branchStore.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';

/** Letters, digits, `-`, `_`, `.`: a name is part of the branch id, which also names files (journals). */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The id of the branch `name` of run `parentId` (the seed's format). */
export function branchId(parentId: string, name: string): string {
  return `${parentId}__${name}`;
}

export function checkBranchName(name: string): void {
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new BadArgsError(`invalid branch name ${JSON.stringify(name)}: use 1-64 letters, digits, "-", "_" or "."`, 'e.g. --name retry-with-more-context');
  }
  if (/^resume-\d+$/.test(name)) throw new BadArgsError(`branch name ${name} is reserved for resumes (replay --step N records <id>__resume-N)`, 'pick another --name');
}

/** A branch by id or unique id prefix; a clear error for an unknown id or a run that is not a branch. */
export function getBranch(store: TraceStore, id: string): StoredRun {
  let resolved: string;
  try {
    resolved = store.resolveRunId(id);
  } catch (e) {
    if (e instanceof AtrError && e.code === 'ATR_NOT_FOUND') throw new NotFoundError(`no branch ${id}`, 'list the branches with `agenttrace branch list`');
    throw e;
  }
  const run = store.getRun(resolved);
  if (run.parentId === undefined || run.forkSeq === undefined) {
    throw new BadArgsError(`${run.id} is a trace, not a branch`, `create a branch of it first: agenttrace branch create ${run.id} --step N`);
  }
  return run;
}

export interface CreateBranchOptions {
  /** The run to branch from (a trace or a branch that has run); id or unique prefix. */
  from: string;
  /** The first step that belongs to the branch: its events 0..step-1 are the parent's. */
  step: number;
  /** Default `step-<step>`. */
  name?: string;
}

export function createBranch(store: TraceStore, o: CreateBranchOptions): StoredRun {
  const parent = store.getRun(store.resolveRunId(o.from));
  if (parent.status === 'pending') {
    throw new BadArgsError(`branch ${parent.id} has not run yet, so it has no events to branch from`, `run it first: agenttrace branch run ${parent.id}`);
  }
  if (parent.status === 'running') throw new BadArgsError(`run ${parent.id} is still running`, 'wait for it to finish, then branch from it');
  const name = o.name ?? `step-${o.step}`;
  checkBranchName(name);
  checkStep(parent, o.step);
  const id = branchId(parent.id, name);
  if (!insertBranch(store, { id, name, parent, forkSeq: o.step - 1 })) {
    throw new BadArgsError(`branch ${id} already exists`, `pick another --name, or delete it first: agenttrace branch delete ${id}`);
  }
  return store.getRun(id);
}

export interface EditResult {
  branch: StoredRun;
  seq: number;
  event: TraceEvent;
  override: EventOverride;
  /** An earlier edit of the same event was replaced. */
  replaced: boolean;
}

/**
 * Stores an edit of event `seq` of a branch: `payload` is the JSON text from the command line, validated against
 * the parent's event at that step (the event the replay would otherwise serve).
 */
export function editBranch(store: TraceStore, o: { branch: string; seq: number; payload: string }): EditResult {
  const branch = getBranch(store, o.branch);
  const forkSeq = branch.forkSeq as number;
  let input: unknown;
  try {
    input = JSON.parse(o.payload);
  } catch (e) {
    throw new BadArgsError(`--payload is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, `quote it for the shell, e.g. --payload '{"content": "new reply"}'`);
  }
  if (o.seq <= forkSeq) {
    throw new BadArgsError(
      `event ${o.seq} is before the fork of ${branch.id}: the branch runs ${forkText(forkSeq)} (${inheritedText(forkSeq)} replayed from its parent)`,
      `edit an event from step ${forkSeq + 1} on, or create a branch at that step: agenttrace branch create ${branch.parentId as string} --step ${o.seq}`,
    );
  }
  // chain[1] is the parent; a missing ancestor is the lineage's NotFoundError.
  const parent = store.lineage(branch).chain[1];
  const event = store.lineage(parent).eventAt(o.seq);
  if (!event) {
    const range = parent.steps > 0 ? `steps 0..${parent.steps - 1}` : 'no steps';
    throw new NotFoundError(`unknown event ${o.seq}: ${parent.id}, the run ${branch.id} branches from, has ${range}`, `list its events with agenttrace show ${parent.id}`);
  }
  let override: EventOverride;
  try {
    override = normalizeOverride(event, input);
  } catch (e) {
    if (!(e instanceof OverrideError)) throw e;
    throw new BadArgsError(`cannot edit event ${o.seq} (${event.kind}): ${e.message}`, event.kind === 'step' || event.kind === 'tool' ? callsInside(store, parent, event) ?? e.hint : e.hint);
  }
  const replaced = branchOverrides(branch).has(o.seq);
  setOverride(store, branch.id, o.seq, override);
  return { branch: store.getRun(branch.id), seq: o.seq, event, override, replaced };
}

/**
 * For an edit of a step/tool annotation: the LLM and HTTP calls made while it ran (nested under it, or issued before
 * it ended), which are what can be edited.
 */
function callsInside(store: TraceStore, run: StoredRun, ev: TraceEvent): string | undefined {
  const durationMs = (ev.payload as { durationMs?: number }).durationMs;
  const end = durationMs === undefined ? undefined : ev.ts + durationMs + 1;
  const inner = store
    .getEvents(run.id, { from: ev.seq + 1, kinds: ['llm', 'http'], limit: 1000 })
    .filter((e) => e.parentSeq === ev.seq || (end !== undefined && ((e.payload as { startedAtMs?: number }).startedAtMs ?? e.ts) <= end));
  if (inner.length === 0) return undefined;
  const list = inner.slice(0, 5).map((e) => `${e.kind} event ${e.seq}`);
  return `edit the call${inner.length > 1 ? 's' : ''} made inside it instead: ${list.join(', ')} (e.g. --event ${inner[0].seq} --payload '${inner[0].kind === 'llm' ? '{"content": "..."}' : '{"status": 200, "body": {}}'}')`;
}

/** Whether a run is being run right now by a live host (its sidecar names a running process). */
export function runIsLive(store: TraceStore, run: StoredRun): boolean {
  if (run.status !== 'running') return false;
  const host = readSidecar(store.home, run.id);
  return Boolean(host && pidAlive(host.hostPid));
}

/**
 * Deletes a branch (and with `recursive` its branches). A trace is never deleted here, nor a parent: only the branch
 * and what forks from it. Returns the deleted ids, children first.
 */
export function deleteBranch(store: TraceStore, id: string, recursive = false): string[] {
  const branch = getBranch(store, id);
  const below = store.lineage(branch).descendants();
  if (below.length > 0 && !recursive) {
    const direct = store.childRunIds(branch.id);
    throw new BadArgsError(
      `branch ${branch.id} has ${direct.length} branch${direct.length === 1 ? '' : 'es'} of its own (${direct.slice(0, 3).join(', ')}${direct.length > 3 ? ', …' : ''})`,
      `delete them first, or delete them all with: agenttrace branch delete ${branch.id} --recursive`,
    );
  }
  const ids = [...below, branch.id];
  for (const rid of ids) {
    const run = store.getRun(rid);
    if (runIsLive(store, run)) throw new AtrError('ATR_BAD_ARGS', `branch ${rid} is running right now`, { hint: 'wait for it to finish, then delete it' });
  }
  deleteRuns(store, ids);
  return ids;
}

/** A run and the runs forking from it, recursively (the `branch list` tree). */
export interface BranchNode {
  run: StoredRun;
  /** Seqs of its edits. */
  edits: number[];
  children: BranchNode[];
}

export function branchTree(store: TraceStore, runId: string): BranchNode {
  const build = (run: StoredRun, depth: number): BranchNode => ({
    run,
    edits: [...branchOverrides(run).keys()].sort((a, b) => a - b),
    // Depth bound: ids come from the store, but a cycle written by hand must not hang `branch list`.
    children: depth > 200 ? [] : store.childRunIds(run.id).map((id) => build(store.getRun(id), depth + 1)),
  });
  return build(store.getRun(runId), 0);
}

/** The trees of every trace that has branches, newest trace first. */
export function allBranchTrees(store: TraceStore): BranchNode[] {
  return tracesWithBranches(store).map((id) => branchTree(store, id));
}
