/**
 * Renders an edited reply as an OpenAI Responses API reply (llmWire.ts dispatches here): a `response` object, or the
 * event stream the API sends (`response.created` … `response.output_text.delta` / `response.function_call_arguments.*`
 * … `response.completed`), complete enough for the `openai` client's stream accumulator (`client.responses.stream`,
 * `finalResponse()`, `output_text`). The recorded response is the template: its id, model, created time, request
 * echo (instructions, tools, temperature…) and usage are kept; only the output items and the status change.
 */
import { parseSse } from './llm.js';
import { estimateTokens, parseJsonObject, textPieces, type EditedReply, type WireTemplate } from './llmWireKit.js';
import type { LlmToolCall } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The finish reason a rendered reply carries: the edit's own, else `completed`. */
export function responsesFinish(e: EditedReply): string {
  return e.finishReason ?? 'completed';
}

/** The recorded `response` object: the JSON body, or the last response carried by the recorded event stream. */
function recordedResponse(t: WireTemplate): Obj | undefined {
  const text = t.recordedText ?? '';
  const json = parseJsonObject(text);
  if (json) return json.object === 'response' ? json : undefined;
  let last: Obj | undefined;
  for (const ev of parseSse(text)) {
    const e = parseJsonObject(ev.data);
    if (e && isObj(e.response)) last = e.response;
  }
  return last;
}

function usageOf(t: WireTemplate, e: EditedReply, recorded: Obj | undefined): Obj {
  if (!t.editedUsage && recorded && isObj(recorded.usage)) return recorded.usage;
  if (t.usage) {
    const base = recorded && isObj(recorded.usage) ? recorded.usage : {};
    return { input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 }, ...base, input_tokens: t.usage.promptTokens, output_tokens: t.usage.completionTokens, total_tokens: t.usage.totalTokens };
  }
  const c = estimateTokens(e.reply);
  return { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: c, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: c };
}

interface Items {
  message?: Obj;
  calls: Obj[];
}

/** The output items of the reply: one message (when there is text, or nothing else), then one item per call. */
function outputItems(e: EditedReply, recorded: Obj | undefined): Items {
  const prior = recorded && Array.isArray(recorded.output) ? recorded.output.filter(isObj) : [];
  const tools = e.reply.toolCalls ?? [];
  const out: Items = { calls: [] };
  if (e.reply.content || !tools.length) {
    const id = str(prior.find((i) => i.type === 'message')?.id) ?? 'msg_agenttrace_edit';
    out.message = { id, type: 'message', status: 'completed', role: e.reply.role || 'assistant', content: [{ type: 'output_text', text: e.reply.content, annotations: [], logprobs: [] }] };
  }
  tools.forEach((tc: LlmToolCall, i) => {
    const callId = tc.id ?? `call_agenttrace_edit_${i}`;
    // The recorded item of the same call keeps its id (fc_…), so ids the agent stored stay valid.
    const same = prior.find((p) => p.type === 'function_call' && p.call_id === callId);
    out.calls.push({ id: str(same?.id) ?? `fc_agenttrace_edit_${i}`, type: 'function_call', status: 'completed', arguments: tc.arguments, call_id: callId, name: tc.name });
  });
  return out;
}

function listOf(items: Items): Obj[] {
  return [...(items.message ? [items.message] : []), ...items.calls];
}

function finished(base: Obj, e: EditedReply, output: Obj[], usage: Obj): Obj {
  const finish = responsesFinish(e);
  const status = finish === 'completed' ? 'completed' : 'incomplete';
  return { ...base, status, error: null, incomplete_details: status === 'incomplete' ? { reason: finish } : null, output, usage };
}

function baseOf(recorded: Obj | undefined, t: WireTemplate): Obj {
  return recorded ? { ...recorded } : { id: 'resp_agenttrace_edit', object: 'response', created_at: 0, model: t.model ?? 'unknown', tools: [], parallel_tool_calls: true };
}

/** A complete non-streamed `response` object for the reply. */
export function responsesJson(e: EditedReply, t: WireTemplate): Obj {
  const recorded = recordedResponse(t);
  return finished(baseOf(recorded, t), e, listOf(outputItems(e, recorded)), usageOf(t, e, recorded));
}

/** The SSE frames (`event:` + `data:`, one complete event each) of a streamed Responses reply. */
export function responsesStream(e: EditedReply, t: WireTemplate): string[] {
  const recorded = recordedResponse(t);
  const base = baseOf(recorded, t);
  const items = outputItems(e, recorded);
  const events: Obj[] = [];
  const open = { ...base, status: 'in_progress', error: null, incomplete_details: null, output: [], usage: null };
  events.push({ type: 'response.created', response: open }, { type: 'response.in_progress', response: open });
  listOf(items).forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'message') {
      const text = str((item.content as Obj[])[0].text) ?? '';
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', content: [] } });
      events.push({ type: 'response.content_part.added', item_id, output_index, content_index: 0, part });
      for (const delta of textPieces(text)) events.push({ type: 'response.output_text.delta', item_id, output_index, content_index: 0, delta, logprobs: [] });
      events.push({ type: 'response.output_text.done', item_id, output_index, content_index: 0, text, logprobs: [] });
      events.push({ type: 'response.content_part.done', item_id, output_index, content_index: 0, part: { ...part, text } });
    } else {
      const args = str(item.arguments) ?? '';
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of textPieces(args)) events.push({ type: 'response.function_call_arguments.delta', item_id, output_index, delta });
      events.push({ type: 'response.function_call_arguments.done', item_id, output_index, arguments: args });
    }
    events.push({ type: 'response.output_item.done', output_index, item });
  });
  const done = finished(base, e, listOf(items), usageOf(t, e, recorded));
  events.push({ type: done.status === 'completed' ? 'response.completed' : 'response.incomplete', response: done });
  return events.map((ev, sequence_number) => `event: ${String(ev.type)}\ndata: ${JSON.stringify({ ...ev, sequence_number })}\n\n`);
}
