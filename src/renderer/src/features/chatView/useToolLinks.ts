import { useCallback, useMemo } from 'react';
import { useAsync, type Async } from '../../app/useAsync';
import type { EventDetail, WorkbenchApi } from '../../../../shared/rpc/contract';
import { parseJson } from '../../../../shared/model/chatModel';
import { linkToolCalls, type ToolLink } from '../../../../shared/model/toolLinks';
import type { Json, LlmPayload } from '../../../../shared/trace/types';

/** How far after an LLM call the tool steps and the next call are looked for (a tool turn is a few dozen steps). */
const LOOKAHEAD = 500;

/** The messages of an LLM call's request: the normalized ones, else the raw body's `messages` / `input`. */
function requestMessages(d: EventDetail): Json | undefined {
  const p = d.event.payload as LlmPayload;
  if (p.messages !== undefined) return p.messages;
  const body = d.bodies.request && 'text' in d.bodies.request ? parseJson(d.bodies.request.text) : undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) return body.messages ?? body.input;
  return undefined;
}

/**
 * For an LLM event whose reply calls tools: where each call ran (tool annotation or HTTP call after it) and where its
 * result went (the tool message in the next LLM call). Idle for any other event.
 */
export function useToolLinks(api: WorkbenchApi, runId: string, detail: EventDetail | undefined): Async<ToolLink[]> {
  const ev = detail?.event;
  const calls = useMemo(() => (ev?.kind === 'llm' ? ((ev.payload as LlmPayload).reply?.toolCalls ?? []) : []), [ev]);
  const seq = ev?.seq;
  const load = useCallback(async (): Promise<ToolLink[]> => {
    const page = await api.getEvents({ runId, from: (seq as number) + 1, kinds: ['tool', 'http', 'llm'], limit: LOOKAHEAD });
    const nextLlm = page.events.find((e) => e.kind === 'llm');
    const next = nextLlm ? await api.getEvent({ runId, seq: nextLlm.seq }) : undefined;
    return linkToolCalls(calls, page.events, next ? { seq: next.event.seq, messages: requestMessages(next) } : undefined);
  }, [api, runId, seq, calls]);
  return useAsync(seq !== undefined && calls.length > 0 ? load : null);
}
