/**
 * The replay tape of a branch: its parent's timeline (the parent's own events after the parent's fork, its
 * ancestors' before) with the branch's edits applied, answering requests from the record while they match and
 * going live after the first divergence (`offline`: stopping there instead; `fallback`: going on offline with answers
 * from other runs or synthesized), recorded into the branch run.
 */
import type { Tape } from '../../shared/trace/tape.js';
import { BadArgsError, NotFoundError } from '../errors.js';
import { tapeFromStore } from '../replay/tapeFromStore.js';
import { branchOverrides } from '../store/branchStore.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';

export interface BranchTapeOptions {
  offline?: boolean;
  pace?: 'instant' | 'recorded';
  /** Policy `fallback` instead of live/stop: unmatched requests answered from `pool` or synthesized, never live. */
  fallback?: boolean;
  /** Source files the agent runs patched, the pool and the synthesized reply's content (see TapeOptions). */
  patchedFiles?: Tape['patchedFiles'];
  pool?: Tape['pool'];
  synth?: Tape['synth'];
}

/** The run a branch replays (its parent), checked: it and its ancestors exist, and it has run. */
export function branchParent(store: TraceStore, branch: StoredRun): StoredRun {
  const parent = store.lineage(branch).chain[1];
  if (!parent) throw new NotFoundError(`${branch.id} is a trace, not a branch: it has no parent to replay`, 'run it with agenttrace replay');
  if (parent.status === 'pending') throw new BadArgsError(`the parent ${parent.id} of ${branch.id} has not run yet`, `run it first: agenttrace branch run ${parent.id}`);
  return parent;
}

export function branchTape(store: TraceStore, branch: StoredRun, o: BranchTapeOptions = {}): Tape {
  const parent = branchParent(store, branch);
  const info: NonNullable<Tape['branch']> = { id: branch.id, parentId: parent.id, forkSeq: branch.forkSeq as number, name: branch.name ?? branch.id };
  return tapeFromStore(store, parent.id, {
    onDivergence: o.fallback ? 'fallback' : o.offline ? 'stop' : 'live',
    pace: o.pace,
    branch: info,
    overrides: branchOverrides(branch),
    patchedFiles: o.patchedFiles,
    pool: o.pool,
    synth: o.synth,
  });
}
