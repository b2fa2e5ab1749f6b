/**
 * The modernizer chain of the trace file format (CONVENTIONS §3, like Playwright's trace loader): every file is
 * loaded by running its header and records through `modernize_N_to_N+1` steps up to the current version, then
 * validated against the current snapshot. The chain is generic (a first version plus ordered steps) so its mechanics
 * are tested with made-up versions even while only version 1 exists.
 */

export type FileRecord = Record<string, unknown>;

/** One step: turns the header and the records of version `from` into version `from + 1`. */
export interface Modernizer {
  readonly from: number;
  header(h: FileRecord): FileRecord;
  /** A record may become zero, one or several records of the next version. */
  record(r: FileRecord): FileRecord[];
}

export interface FormatChain {
  /** The oldest version this chain reads. */
  readonly first: number;
  /** steps[i] turns version first+i into first+i+1. */
  readonly steps: readonly Modernizer[];
}

/** The version a chain produces (and the version an export writes). */
export function currentVersion(chain: FormatChain): number {
  return chain.first + chain.steps.length;
}

export type VersionCheck = { ok: true; steps: readonly Modernizer[] } | { ok: false; newer: boolean };

/** The steps a file of `version` goes through, or why it cannot be read. */
export function stepsFrom(chain: FormatChain, version: number): VersionCheck {
  chain.steps.forEach((s, i) => {
    // A programming error, not a bad file: the chain must be contiguous.
    if (s.from !== chain.first + i) throw new Error(`modernizer ${i} converts from ${s.from}, expected ${chain.first + i}`);
  });
  const current = currentVersion(chain);
  if (!Number.isSafeInteger(version) || version < chain.first) return { ok: false, newer: false };
  if (version > current) return { ok: false, newer: true };
  return { ok: true, steps: chain.steps.slice(version - chain.first) };
}

export function modernizeHeader(h: FileRecord, steps: readonly Modernizer[]): FileRecord {
  return steps.reduce((acc, s) => s.header(acc), h);
}

/** Runs one record through the steps; the result is every record it became, in order. */
export function modernizeRecord(r: FileRecord, steps: readonly Modernizer[]): FileRecord[] {
  let out = [r];
  for (const s of steps) out = out.flatMap((x) => s.record(x));
  return out;
}
