/**
 * What a run "is" in a trace file, computed the same way on both sides: the export writes it, the import compares a
 * stored run with a file's (same ids + same content = already imported; different content = conflict).
 * - runRecord: the run's metadata as a file record (host-only fields like the host pid are not part of it).
 * - partial copies: an ancestor imported only up to a fork carries a marker in its warnings, so a later import of
 *   the full run can complete it and an export of it stays partial.
 * - BlobRemap: a stored blob whose bytes no longer hash to its key (the store masked a secret inside it after the
 *   SDK hashed it) is written under the hash of its actual bytes, and references to it are rewritten to match, so
 *   every blob in a file verifies.
 * - metaText / rowsDigest: a run's metadata and rows in the form an import stores them, for comparison.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/trace/canonicalJson.js';
import type { RawEventRow, RawKeyframeRow } from '../store/runRows.js';
import type { StoredRun } from '../store/storeTypes.js';
import type { FileRun } from './format.js';
import { collectBlobRefs, keyframeBlobRefs, sanitizeJson } from './sanitize.js';

const PARTIAL_RE = /^partial copy: only steps 0\.\.(\d+) /;

/** The warning that marks a partial copy of a run (an ancestor carried only up to a branch's fork). */
export function partialMarker(upTo: number): string {
  return `partial copy: only steps 0..${upTo} of this run are stored (it came in a trace file with a branch forked from it)`;
}

/** Whether a warning is a partial-copy marker (only an import writes them; a file's own are dropped). */
export function isPartialMarker(warning: string): boolean {
  return PARTIAL_RE.test(warning);
}

/** The last seq stored of a partial copy, or undefined for a complete run. */
export function storedExtent(run: { warnings: string[] }): number | undefined {
  for (const w of run.warnings) {
    const m = PARTIAL_RE.exec(w);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The file form of a stored run's metadata. */
export function runRecord(run: StoredRun): FileRun {
  const rec: FileRun = {
    id: run.id,
    scriptPath: run.scriptPath,
    scriptSha256: run.scriptSha256,
    argv: run.argv,
    cwd: run.cwd,
    env: run.env,
    nodeVersion: run.nodeVersion,
    sdkVersion: run.sdkVersion,
    formatVersion: run.formatVersion,
    mode: run.mode,
    keyframeEvery: run.keyframeEvery,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    pid: run.pid,
    status: run.status,
    exitCode: run.exitCode,
    exitSignal: run.exitSignal,
    steps: run.steps,
    llmCalls: run.llmCalls,
    usage: { ...run.usage },
    warnings: run.warnings.filter((w) => !isPartialMarker(w)),
  };
  if (run.name !== undefined) rec.name = run.name;
  if (run.parentId !== undefined) rec.parentId = run.parentId;
  if (run.forkSeq !== undefined) rec.forkSeq = run.forkSeq;
  if (run.overrides !== undefined) rec.overrides = run.overrides as FileRun['overrides'];
  if (run.scriptSource !== undefined) rec.scriptSource = run.scriptSource;
  return rec;
}

/** Re-keys blobs whose stored bytes do not hash to their key (see the file comment); tracks missing ones. */
export class BlobRemap {
  /** old hash -> hash of the actual bytes. */
  readonly renamed = new Map<string, string>();
  /** Referenced blobs that are not in the database. */
  readonly missing = new Set<string>();
  /** Every referenced blob present, by the hash it is written under. */
  readonly present = new Map<string, string>();

  constructor(private readonly blobs: { getBlob(hash: string): Buffer | undefined }) {}

  /** Registers the blobs a JSON text refers to (parsed: refs are BlobRef objects and keyframe file maps). */
  note(refs: Iterable<string>): void {
    for (const h of refs) {
      if (this.missing.has(h) || this.present.has(h) || this.renamed.has(h)) continue;
      const bytes = this.blobs.getBlob(h);
      if (!bytes) {
        this.missing.add(h);
        continue;
      }
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== h) this.renamed.set(h, actual);
      this.present.set(actual, h);
    }
  }

  /** The text with renamed hashes replaced (hashes appear as JSON strings). */
  apply(text: string): string {
    if (this.renamed.size === 0) return text;
    let out = text;
    for (const [from, to] of this.renamed) if (out.includes(from)) out = out.split(`"${from}"`).join(`"${to}"`);
    return out;
  }
}

/** Blob refs of a stored event payload (batched rows hold plain values, never refs). */
export function eventRefs(row: RawEventRow, parsed?: unknown): Set<string> {
  const refs = new Set<string>();
  if (!row.batched) collectBlobRefs(parsed ?? JSON.parse(row.payload), refs);
  return refs;
}

export function keyframeRefs(data: unknown): Set<string> {
  const refs = new Set<string>();
  if (data && typeof data === 'object' && !Array.isArray(data)) keyframeBlobRefs(data as Record<string, unknown>, refs);
  return refs;
}

/** JSON text the way an import stores it: parsed, unsafe keys dropped, serialized again. */
export function normalizeJsonText(text: string): string {
  const v = JSON.parse(text) as unknown;
  sanitizeJson(v, Number.MAX_SAFE_INTEGER);
  return JSON.stringify(v);
}

/** Metadata in comparable form: unsafe keys dropped (as an import would), keys sorted. */
export function metaText(meta: FileRun): string {
  const copy = structuredClone(meta);
  sanitizeJson(copy, Number.MAX_SAFE_INTEGER);
  return canonicalJson(copy);
}

/** sha256 over a run's keyframe and event rows (in seq order, texts as an import stores them). */
export function rowsDigest(keyframes: Iterable<RawKeyframeRow>, events: Iterable<RawEventRow>): string {
  const h = createHash('sha256');
  for (const k of keyframes) h.update(`k\t${k.seq}\t${k.data}\n`);
  for (const e of events) h.update(`e\t${e.seq}\t${e.end_seq}\t${e.batched ? 1 : 0}\t${e.kind}\t${e.ts}\t${e.fingerprint ?? ''}\t${e.parent_seq ?? ''}\t${e.payload}\n`);
  return h.digest('hex');
}
