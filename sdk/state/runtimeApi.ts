/**
 * The contract between the public SDK module (`agenttrace/sdk`, possibly a different copy of this package than the
 * one preloaded by `--import`) and the state runtime installed by the register. The runtime lives behind a global
 * symbol, so any copy of the public module finds it; without it (outside AgentTrace) the public API is a no-op.
 * Keep this file free of runtime imports: it is bundled into the tiny public module.
 */
import type { CaptureResult } from '../core/scopeReader.js';
import type { Json } from '../../src/shared/trace/types.js';

export type StepKind = 'step' | 'tool';

/** An open step: its event seq and what is needed to close it. Opaque to the public module. */
export interface StepToken {
  readonly seq: number;
}

/**
 * What the public API calls. Versioned: a newer public module must check `version` before using new members.
 * The public module calls the step function itself, between `beginStep` and `leaveStep`, so a recorded run has
 * exactly the same stack frames as an unrecorded one (stack traces printed for a crash stay identical).
 */
export interface SdkRuntime {
  readonly version: 1;
  track(name: string, obj: object): void;
  /** Records a step/tool event (nested under the enclosing one) and makes it the enclosing step until leaveStep. */
  beginStep(kind: StepKind, name: string, input: unknown): StepToken | undefined;
  /** Restores the enclosing step once the step function returned (its async continuations keep this step). */
  leaveStep(token: StepToken): void;
  /** Records the step's output or error and duration. */
  endStep(token: StepToken, ok: boolean, value: unknown): void;
  snapshot(label?: string): void;
}

/** Internal members used by error and exit capture (same bundle only). */
export interface StateRuntime extends SdkRuntime {
  /** Emits pending tracked-state deltas now (before an error or exit event). */
  flushState(): void;
  /** At exit: final state deltas, and late details (stacks of failed steps). */
  finalize(): void;
  /** Writes a keyframe at the last seq with the given frames (or none). */
  forceKeyframe(capture: CaptureResult | undefined, label: string): void;
  /**
   * Tracked state as recorded so far (name -> masked view of the last `state` event), i.e. what the store's
   * `stateAt(lastSeq).tracked` gives. Replay compares it with the recorded state at the requested step.
   */
  trackedState(): Record<string, Json>;
}

const RUNTIME_KEY = Symbol.for('agenttrace.state');

/** The state runtime of this process, if AgentTrace is recording it. */
export function sdkRuntime(): SdkRuntime | undefined {
  const r = (globalThis as Record<symbol, unknown>)[RUNTIME_KEY] as SdkRuntime | undefined;
  return r && r.version === 1 ? r : undefined;
}

export function stateRuntime(): StateRuntime | undefined {
  return sdkRuntime() as StateRuntime | undefined;
}

export function setSdkRuntime(r: StateRuntime): void {
  Object.defineProperty(globalThis, RUNTIME_KEY, { value: r, enumerable: false, configurable: true });
}
