/**
 * Deterministic OpenAI Responses API replies of the mock LLM server (`POST /v1/responses`), derived only from the
 * request body like llmReplies.ts: a `response` object, or its event stream (`response.created` …
 * `response.output_text.delta` / `response.function_call_arguments.delta` … `response.completed`).
 * Plan: when `tools` offers a function and the last input item is a user message, the reply is one function_call
 * of the first function with `{"query": <last user text>}`; after a `function_call_output` the reply is
 * `tool said: <output>`; otherwise `echo: <last user text>`.
 */
import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;

/** Fixed creation time of every reply (deterministic bytes). */
const CREATED = 1_700_000_000;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const pieces = (text: string): string[] => text.match(/\s*\S+/g) ?? [text];
const hash = (request: Obj): string => createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 16);

function itemsOf(request: Obj): Obj[] {
  if (typeof request.input === 'string') return [{ role: 'user', content: request.input }];
  return Array.isArray(request.input) ? request.input.filter(isObj) : [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join(' ');
}

interface Plan {
  text: string | null;
  call: { name: string; arguments: string } | null;
  inputTokens: number;
  outputTokens: number;
}

function plan(request: Obj): Plan {
  const items = itemsOf(request);
  const last = items.at(-1);
  const users = items.filter((i) => i.role === 'user');
  const userText = users.length ? textOf(users[users.length - 1].content) : '';
  const inputTokens = words(typeof request.instructions === 'string' ? request.instructions : '') + items.reduce((n, i) => n + words(textOf(i.content ?? i.output ?? '')), 0);
  const tools = Array.isArray(request.tools) ? request.tools.filter((t): t is Obj => isObj(t) && t.type === 'function') : [];
  if (last?.type === 'function_call_output') {
    const text = `tool said: ${textOf(last.output)}`;
    return { text, call: null, inputTokens, outputTokens: words(text) };
  }
  if (tools.length && last?.role === 'user' && typeof tools[0].name === 'string') {
    const args = JSON.stringify({ query: userText });
    return { text: null, call: { name: tools[0].name, arguments: args }, inputTokens, outputTokens: words(args) };
  }
  const text = `echo: ${userText}`;
  return { text, call: null, inputTokens, outputTokens: words(text) };
}

function outputOf(p: Plan, h: string): Obj[] {
  if (p.call) return [{ id: `fc_${h}`, type: 'function_call', status: 'completed', arguments: p.call.arguments, call_id: `call_${h}`, name: p.call.name }];
  return [{ id: `msg_${h}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: p.text ?? '', annotations: [], logprobs: [] }] }];
}

function responseOf(request: Obj, p: Plan, status: string, output: Obj[], usage: Obj | null): Obj {
  return {
    id: `resp_${hash(request)}`,
    object: 'response',
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    model: request.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: request.previous_response_id ?? null,
    temperature: 1,
    tool_choice: 'auto',
    tools: request.tools ?? [],
    top_p: 1,
    usage,
  };
}

function usageOf(p: Plan): Obj {
  return { input_tokens: p.inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: p.outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: p.inputTokens + p.outputTokens };
}

/** A non-streamed `response` object. */
export function responsesReply(request: Obj): Obj {
  const p = plan(request);
  return responseOf(request, p, 'completed', outputOf(p, hash(request)), usageOf(p));
}

/** The events of a streamed response, in order (each with its `type` and `sequence_number`). */
export function responsesStreamEvents(request: Obj): (Obj & { type: string })[] {
  const p = plan(request);
  const [item] = outputOf(p, hash(request));
  const item_id = item.id;
  const open = responseOf(request, p, 'in_progress', [], null);
  const out: (Obj & { type: string })[] = [
    { type: 'response.created', response: open },
    { type: 'response.in_progress', response: open },
  ];
  if (p.call) {
    out.push({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const delta of pieces(p.call.arguments)) out.push({ type: 'response.function_call_arguments.delta', item_id, output_index: 0, delta });
    out.push({ type: 'response.function_call_arguments.done', item_id, output_index: 0, arguments: p.call.arguments });
  } else {
    const text = p.text ?? '';
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    out.push({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    out.push({ type: 'response.content_part.added', item_id, output_index: 0, content_index: 0, part });
    for (const delta of pieces(text)) out.push({ type: 'response.output_text.delta', item_id, output_index: 0, content_index: 0, delta, logprobs: [] });
    out.push({ type: 'response.output_text.done', item_id, output_index: 0, content_index: 0, text, logprobs: [] });
    out.push({ type: 'response.content_part.done', item_id, output_index: 0, content_index: 0, part: { ...part, text } });
  }
  out.push({ type: 'response.output_item.done', output_index: 0, item });
  out.push({ type: 'response.completed', response: responseOf(request, p, 'completed', [item], usageOf(p)) });
  return out.map((e, sequence_number) => ({ ...e, sequence_number }));
}
