/**
 * The modernizer chain of stored event payloads (CONVENTIONS §3). Every run is stored with the TRACE_FORMAT_VERSION
 * its recorder wrote (`formatVersion`); the store reads a payload of an older run through the steps from that
 * version up to this build's, so derivations and the workbench only ever see the current shapes. A run from a newer
 * AgentTrace fails with ATR_TRACE_VERSION instead of being misread.
 * Version 1 is the first format: the table is empty and reading is the identity. Bumping the format is one change
 * here: set TRACE_FORMAT_VERSION to 2 and add `1: (kind, payload) => …` to PAYLOAD_STEPS (plus golden v1 payloads
 * stay in test/fixtures/payloads). SQL that reads payload fields in place (the store's usage totals and cost
 * aggregates) reads the stored layout: a step that moves those fields must update them too.
 */
import { TRACE_FORMAT_VERSION, type EventKind, type Json, type PayloadByKind } from './types.js';

/** Turns the payload of one event of format `v` into format `v + 1`. Pure: never mutates its input. */
export type PayloadStep = (kind: EventKind, payload: Json) => Json;

/** steps[v] turns format v into v + 1. */
export type PayloadSteps = Readonly<Record<number, PayloadStep>>;

/** The released steps. Empty: version 1 is the first format. */
export const PAYLOAD_STEPS: PayloadSteps = {};

/** A stored format this build cannot read: newer than it, or older than any step it has. */
export class PayloadVersionError extends Error {
  readonly code = 'ATR_TRACE_VERSION';
  constructor(
    readonly found: number,
    readonly supported: number,
    readonly hint: string,
  ) {
    super(found > supported ? `trace format ${found} is newer than this AgentTrace (it reads up to ${supported})` : `trace format ${found} cannot be read: no modernizer from it to ${supported}`);
    this.name = 'PayloadVersionError';
  }
}

/** The steps a payload of `fromVersion` goes through (none for the current version). Throws PayloadVersionError. */
export function payloadStepsFrom(fromVersion: number, steps: PayloadSteps = PAYLOAD_STEPS, target: number = TRACE_FORMAT_VERSION): PayloadStep[] {
  if (fromVersion > target) throw new PayloadVersionError(fromVersion, target, 'update AgentTrace to read this run');
  const unreadable = (): PayloadVersionError => new PayloadVersionError(fromVersion, target, 're-record the run, or read it with the AgentTrace that recorded it');
  if (!Number.isSafeInteger(fromVersion)) throw unreadable();
  const out: PayloadStep[] = [];
  for (let v = fromVersion; v < target; v++) {
    const step = steps[v];
    if (!step) throw unreadable();
    out.push(step);
  }
  return out;
}

/** A stored payload of `fromVersion` in the current format. */
export function modernizePayload<K extends EventKind>(kind: K, payload: Json, fromVersion: number, steps: PayloadSteps = PAYLOAD_STEPS, target: number = TRACE_FORMAT_VERSION): PayloadByKind[K] {
  return applyPayloadSteps(kind, payload, payloadStepsFrom(fromVersion, steps, target));
}

/** Runs a payload through steps already looked up (the store looks them up once per read, not per event). */
export function applyPayloadSteps<K extends EventKind>(kind: K, payload: Json, steps: readonly PayloadStep[]): PayloadByKind[K] {
  let out = payload;
  for (const step of steps) out = step(kind, out);
  return out as unknown as PayloadByKind[K];
}
