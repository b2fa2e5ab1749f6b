/**
 * What the replay sandbox kept away from the real machine, for the verdict: file writes and metadata changes that
 * went to the in-memory volume instead of the disk, and calls it refused outright (child processes, threads, native
 * bindings, name resolution, listening sockets). One ledger per process; the controller copies it into the verdict.
 */
import { ATR } from '../../src/shared/errors.js';
import type { ReplayContainment } from '../../src/shared/trace/tape.js';

const ledger = { fsWrites: 0, fsMeta: 0, refused: new Map<string, number>() };

/** A call the replay sandbox refuses: thrown into the agent (or handed to its callback), naming the call. */
export class ReplaySandboxError extends Error {
  readonly code = ATR.REPLAY_SANDBOX;
  /** One line telling the user what to do. */
  readonly help = 'a replay runs the agent sealed off from the disk and the network; run it live (agenttrace record) to use this call';

  constructor(
    readonly call: string,
    why: string,
  ) {
    super(`AgentTrace replay: ${call} is not allowed in the replay sandbox (${why})`);
    this.name = 'ReplaySandboxError';
  }
}

/** A file write kept in the sandbox's volume. */
export function noteFsWrite(): void {
  ledger.fsWrites++;
}

/** A metadata change (chmod, chown, utimes...) kept in the volume or dropped instead of reaching the disk. */
export function noteFsMeta(): void {
  ledger.fsMeta++;
}

/** A refused call, by name (`child_process.spawn`). */
export function noteRefused(call: string): void {
  ledger.refused.set(call, (ledger.refused.get(call) ?? 0) + 1);
}

/** The ledger as the verdict carries it (refused calls in the order first seen, each once). */
export function containmentSummary(): ReplayContainment {
  return { fsWrites: ledger.fsWrites, fsMeta: ledger.fsMeta, refused: [...ledger.refused.keys()] };
}
