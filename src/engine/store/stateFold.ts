/**
 * The state at a step, folded from a keyframe plus the `state` deltas and file events after it. One implementation
 * for seeking (store.stateAt) and for the keyframe a resumed branch gets at its fork (ingest.ts), so both agree.
 */
import { applyOps } from '../../shared/trace/stateDiff.js';
import type { FsPayload, Json, Keyframe, StateAtStep, StatePayload } from '../../shared/trace/types.js';
import { applyFsEvent } from '../../shared/trace/fsFiles.js';

export class StateFold {
  keyframeSeq: number | null = null;
  tracked: Record<string, Json> = {};
  globals: Record<string, Json> = {};
  frames: Keyframe['frames'] = [];
  stack: Keyframe['stack'] = [];
  files: Record<string, string | null> = {};
  cursors: Record<string, number> = {};

  /** Starts over from a keyframe: everything before it is contained in it. */
  keyframe(kf: Keyframe): void {
    this.keyframeSeq = kf.seq;
    this.tracked = { ...(kf.tracked ?? {}) };
    this.globals = kf.globals ?? {};
    this.frames = kf.frames ?? [];
    this.stack = kf.stack ?? [];
    this.files = { ...(kf.files ?? {}) };
    this.cursors = kf.cursors ?? {};
  }

  /** Applies one tracked-state delta. */
  state(p: StatePayload): void {
    const next = applyOps(this.tracked[p.name], p.ops ?? []);
    if (next === undefined) delete this.tracked[p.name];
    else this.tracked[p.name] = next;
  }

  /** Tracks written files: writes set the content hash, deletions null, renames move it. */
  fs(p: FsPayload): void {
    applyFsEvent(this.files, p);
  }

  at(seq: number): StateAtStep {
    return { seq, keyframeSeq: this.keyframeSeq, tracked: this.tracked, globals: this.globals, frames: this.frames, stack: this.stack, files: this.files };
  }

  /** A full keyframe of the folded state at `seq` (the fork keyframe of a branch). */
  toKeyframe(seq: number, label: string): Keyframe {
    return { seq, tracked: this.tracked, globals: this.globals, frames: this.frames, stack: this.stack, files: this.files, cursors: this.cursors, label };
  }
}

