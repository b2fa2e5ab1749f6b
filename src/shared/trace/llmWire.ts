/**
 * Renders an LLM reply in the wire format of the API a call spoke, for branch edits (overrides.ts): a JSON body
 * (OpenAI/Groq chat completion, Anthropic message) or Server-Sent Events (OpenAI/Groq `data:` chunks ending with
 * `data: [DONE]`; Anthropic's message_start … message_stop event stream), so the agent's own client consumes an
 * edited reply exactly like a real one (OpenAI Responses API replies: llmResponsesWire.ts). The recorded response
 * is the template: its id, model, created time, usage and provider extras (x_groq, system_fingerprint) are kept,
 * only the reply (and the usage, when it is edited) changes. Pure; llm.ts parses the output back to the same reply
 * (tested).
 */
import { parseSse, type LlmApi } from './llm.js';
import { responsesFinish, responsesJson, responsesStream } from './llmResponsesWire.js';
import { estimateTokens, parseJsonObject, textPieces, type EditedReply, type WireTemplate } from './llmWireKit.js';
import type { LlmReply, LlmToolCall } from './types.js';

export { textPieces, type EditedReply, type WireTemplate };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function chatUsage(t: WireTemplate, reply: LlmReply): Obj {
  if (t.usage) return { prompt_tokens: t.usage.promptTokens, completion_tokens: t.usage.completionTokens, total_tokens: t.usage.totalTokens };
  const c = estimateTokens(reply);
  return { prompt_tokens: 0, completion_tokens: c, total_tokens: c };
}

const toolId = (t: LlmToolCall, i: number, prefix: string): string => t.id ?? `${prefix}agenttrace_edit_${i}`;

/** The tool call's arguments as an object (Anthropic's tool_use.input); {} when they are not a JSON object. */
function toolInput(t: LlmToolCall): Obj {
  return parseJsonObject(t.arguments) ?? {};
}

/** The finish reason the rendered reply carries: the edit's own, else `stop`/`end_turn` (`tool_calls`/`tool_use`). */
export function finishReasonOf(api: LlmApi, e: EditedReply): string {
  if (api === 'openai-responses') return responsesFinish(e);
  return api === 'anthropic-messages' ? anthropicStop(e) : chatFinish(e);
}

function chatFinish(e: EditedReply): string {
  return e.finishReason ?? (e.reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function anthropicStop(e: EditedReply): string {
  return e.finishReason ?? (e.reply.toolCalls?.length ? 'tool_use' : 'end_turn');
}

/** A complete non-streamed response body for the reply. */
export function replyJson(api: LlmApi, e: EditedReply, t: WireTemplate): string {
  if (api === 'openai-responses') return JSON.stringify(responsesJson(e, t));
  return JSON.stringify(api === 'anthropic-messages' ? anthropicJson(e, t) : chatJson(e, t));
}

/** The SSE frames (each one complete event, ending with a blank line) of a streamed response for the reply. */
export function replyStream(api: LlmApi, e: EditedReply, t: WireTemplate): string[] {
  if (api === 'openai-responses') return responsesStream(e, t);
  return api === 'anthropic-messages' ? anthropicStream(e, t) : chatStream(e, t);
}

function chatJson(e: EditedReply, t: WireTemplate): Obj {
  const recorded = parseJsonObject(t.recordedText);
  const base: Obj = recorded && recorded.object === 'chat.completion' ? { ...recorded } : { id: 'chatcmpl-agenttrace-edit', object: 'chat.completion', created: 0, model: t.model ?? 'unknown' };
  const choices = Array.isArray(base.choices) ? base.choices.filter(isObj) : [];
  const first = choices.find((c) => c.index === 0) ?? choices[0] ?? {};
  const tools = e.reply.toolCalls ?? [];
  const message: Obj = { role: e.reply.role || 'assistant', content: tools.length && !e.reply.content ? null : e.reply.content };
  if (tools.length) message.tool_calls = tools.map((tc, i) => ({ id: toolId(tc, i, 'call_'), type: 'function', function: { name: tc.name, arguments: tc.arguments } }));
  const choice: Obj = { ...first, index: 0, message, finish_reason: chatFinish(e) };
  // Log-probabilities belong to the recorded tokens, not to the edited text.
  if ('logprobs' in choice) choice.logprobs = null;
  base.choices = [choice];
  if (!isObj(base.usage) || t.editedUsage) base.usage = chatUsage(t, e.reply);
  return base;
}

function chatStream(e: EditedReply, t: WireTemplate): string[] {
  const recorded = parseSse(t.recordedText ?? '')
    .filter((ev) => ev.data.trim() !== '[DONE]')
    .map((ev) => parseJsonObject(ev.data))
    .filter(isObj);
  const hasChoices = (c: Obj): boolean => Array.isArray(c.choices) && c.choices.length > 0;
  const first = recorded.find(hasChoices) ?? recorded[0] ?? {};
  const finishChunk = recorded.find((c) => hasChoices(c) && (c.choices as unknown[]).some((x) => isObj(x) && typeof x.finish_reason === 'string'));
  const usageChunk = recorded.find((c) => Array.isArray(c.choices) && c.choices.length === 0 && isObj(c.usage));
  const head: Obj = { id: str(first.id) ?? 'chatcmpl-agenttrace-edit', object: 'chat.completion.chunk', created: typeof first.created === 'number' ? first.created : 0, model: first.model ?? t.model ?? 'unknown' };
  if (first.system_fingerprint !== undefined) head.system_fingerprint = first.system_fingerprint;
  const chunk = (delta: Obj, finish: string | null = null, extra: Obj = {}): Obj => ({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });

  const out: Obj[] = [chunk({ role: e.reply.role || 'assistant', content: '' })];
  for (const piece of textPieces(e.reply.content)) out.push(chunk({ content: piece }));
  (e.reply.toolCalls ?? []).forEach((tc, i) => {
    out.push(chunk({ tool_calls: [{ index: i, id: toolId(tc, i, 'call_'), type: 'function', function: { name: tc.name, arguments: '' } }] }));
    for (const piece of textPieces(tc.arguments)) out.push(chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }));
  });
  // Provider extras of the recorded finishing chunk (Groq's x_groq with usage) stay on the new one.
  const extra: Obj = {};
  if (finishChunk) for (const [k, v] of Object.entries(finishChunk)) if (!(k in head) && k !== 'choices') extra[k] = v;
  if (t.editedUsage && isObj(extra.x_groq)) extra.x_groq = { ...extra.x_groq, usage: chatUsage(t, e.reply) };
  out.push(chunk({}, chatFinish(e), extra));
  if (usageChunk) out.push({ ...usageChunk, id: head.id, ...(t.editedUsage ? { usage: chatUsage(t, e.reply) } : {}) });
  return [...out.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'];
}

function anthropicBlocks(e: EditedReply): Obj[] {
  const tools = e.reply.toolCalls ?? [];
  const blocks: Obj[] = [];
  if (e.reply.content || !tools.length) blocks.push({ type: 'text', text: e.reply.content });
  tools.forEach((tc, i) => blocks.push({ type: 'tool_use', id: toolId(tc, i, 'toolu_'), name: tc.name, input: toolInput(tc) }));
  return blocks;
}

function anthropicUsage(t: WireTemplate, reply: LlmReply): Obj {
  return t.usage ? { input_tokens: t.usage.promptTokens, output_tokens: t.usage.completionTokens } : { input_tokens: 0, output_tokens: estimateTokens(reply) };
}

function anthropicJson(e: EditedReply, t: WireTemplate): Obj {
  const recorded = parseJsonObject(t.recordedText);
  const base: Obj = recorded && recorded.type === 'message' ? { ...recorded } : { id: 'msg_agenttrace_edit', type: 'message', role: 'assistant', model: t.model ?? 'unknown' };
  base.role = e.reply.role || 'assistant';
  base.content = anthropicBlocks(e);
  base.stop_reason = anthropicStop(e);
  base.stop_sequence = null;
  if (!isObj(base.usage) || t.editedUsage) base.usage = anthropicUsage(t, e.reply);
  return base;
}

function anthropicStream(e: EditedReply, t: WireTemplate): string[] {
  const recorded = parseSse(t.recordedText ?? '').map((ev) => parseJsonObject(ev.data)).filter(isObj);
  const start = recorded.find((ev) => ev.type === 'message_start');
  const delta = recorded.find((ev) => ev.type === 'message_delta');
  const message: Obj =
    start && isObj(start.message) ? { ...start.message } : { id: 'msg_agenttrace_edit', type: 'message', role: 'assistant', model: t.model ?? 'unknown', usage: { ...anthropicUsage(t, e.reply), output_tokens: 1 } };
  Object.assign(message, { role: e.reply.role || 'assistant', content: [], stop_reason: null, stop_sequence: null });
  const events: Obj[] = [{ type: 'message_start', message }];
  anthropicBlocks(e).forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of textPieces(block.text as string)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      for (const piece of textPieces(JSON.stringify(block.input))) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    events.push({ type: 'content_block_stop', index });
  });
  const usage = delta && isObj(delta.usage) && !t.editedUsage ? delta.usage : { output_tokens: (anthropicUsage(t, e.reply).output_tokens as number) ?? 1 };
  events.push({ type: 'message_delta', delta: { stop_reason: anthropicStop(e), stop_sequence: null }, usage });
  events.push({ type: 'message_stop' });
  return events.map((ev) => `event: ${String(ev.type)}\ndata: ${JSON.stringify(ev)}\n\n`);
}
