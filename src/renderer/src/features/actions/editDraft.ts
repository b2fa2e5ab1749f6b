/**
 * Edit & fork drafts (pure): what the editor is prefilled with for an event, and the edit payload its text stands
 * for. An LLM call is edited as its reply text (the common case: "what if the model had said…"); HTTP calls and
 * values as the JSON payload overrides.ts accepts.
 */
import type { EventDetail, Json } from '../../../../shared/rpc/contract';
import type { EventKind, HttpPayload, LlmPayload } from '../../../../shared/trace/types';

/** Kinds whose recorded result can be replaced in a branch. */
export const EDITABLE_KINDS: readonly EventKind[] = ['llm', 'http', 'random', 'time', 'crypto'];

export function isEditable(kind: EventKind | string | undefined): boolean {
  return kind !== undefined && (EDITABLE_KINDS as readonly string[]).includes(kind);
}

/**
 * Why Edit & fork cannot be used right now (shown on the disabled button), or undefined when it can: the run must
 * have finished, a step must be selected, and that step must be an input of the run (a reply, a result, a value).
 */
export function forkBlockedReason(o: { finished: boolean; pending?: boolean; step?: number; stepKind?: string }): string | undefined {
  if (o.pending) return 'This branch has not run yet: run it first, then edit its steps';
  if (!o.finished) return 'The run is still recording: wait for it to finish';
  if (o.step === undefined) return 'Select a step first: an LLM call, an HTTP call or a random/time value';
  if (o.stepKind === undefined) return `Loading step ${o.step}…`;
  if (!isEditable(o.stepKind)) return `Step ${o.step} is a ${o.stepKind} event, which is not an input of the run: select an LLM call, an HTTP call or a random/time value to edit`;
  return undefined;
}

export interface Draft {
  kind: EventKind;
  /** 'text': the LLM reply as plain text; 'json': a JSON payload. */
  format: 'text' | 'json';
  text: string;
}

/** The editor's initial content for the event: its current reply or value. */
export function initialDraft(detail: EventDetail): Draft {
  const ev = detail.event;
  if (ev.kind === 'llm') return { kind: 'llm', format: 'text', text: (ev.payload as LlmPayload).reply?.content ?? '' };
  if (ev.kind === 'http') {
    const p = ev.payload as HttpPayload;
    const bodyText = detail.bodies.response && 'text' in detail.bodies.response ? detail.bodies.response.text : '';
    return { kind: 'http', format: 'json', text: JSON.stringify({ status: p.response?.status ?? 200, body: parseOr(bodyText) }, null, 2) };
  }
  const value = (ev.payload as { value?: Json }).value ?? null;
  return { kind: ev.kind, format: 'json', text: JSON.stringify({ value }, null, 2) };
}

/** The payload the draft's text stands for, or why it is not one yet (the editor shows it inline). */
export function draftPayload(d: Draft): { ok: true; payload: Json } | { ok: false; error: string } {
  if (d.format === 'text') return { ok: true, payload: { content: d.text } };
  try {
    return { ok: true, payload: JSON.parse(d.text) as Json };
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A response body as JSON when it is JSON, else its text. */
function parseOr(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
