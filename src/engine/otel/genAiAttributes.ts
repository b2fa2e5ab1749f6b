/**
 * The attributes of one recorded LLM call as an OpenTelemetry GenAI inference span (`chat {model}`): provider, request
 * model and parameters, response model and id, token usage, finish reasons and the messages in and out. Names are
 * the GenAI semantic conventions' (written out here: @opentelemetry/semantic-conventions marks its gen_ai constants
 * deprecated since they moved to the separate GenAI conventions repository, the names themselves are unchanged).
 * Everything comes from the recorded payload and bodies, which were secret-masked when they were recorded.
 */
import { parseSse } from '../../shared/trace/llm.js';
import { parseJsonObject } from '../../shared/trace/llmWireKit.js';
import type { LlmPayload, LlmProvider } from '../../shared/trace/types.js';
import { inputMessages, outputMessages } from './genAiMessages.js';
import type { AttrValue } from './spanPlan.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `gen_ai.provider.name` (and the older `gen_ai.system`): well-known values; an unnamed compatible server is `_OTHER`. */
export function providerName(p: LlmProvider): string {
  return p === 'openai-compatible' ? '_OTHER' : p;
}

/** Response model and id: from a JSON reply, or from the first stream events that carry them (any API). */
function responseIdentity(text: string | undefined, chunks: { data: string }[] | undefined): { model?: string; id?: string } {
  const objs: Obj[] = [];
  const body = parseJsonObject(text);
  if (body) objs.push(body);
  else {
    const sse = chunks ? chunks.map((c) => c.data).join('') : (text ?? '');
    for (const e of parseSse(sse).slice(0, 50)) {
      const o = parseJsonObject(e.data);
      if (o) objs.push(o, ...[o.message, o.response].filter(isObj));
    }
  }
  const out: { model?: string; id?: string } = {};
  for (const o of objs) {
    if (out.model === undefined && typeof o.model === 'string') out.model = o.model;
    if (out.id === undefined && typeof o.id === 'string') out.id = o.id;
  }
  return out;
}

/** Request parameters present in the recorded request body (temperature, max tokens, ...). */
function requestParams(req: Obj): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {};
  const set = (name: string, v: number | undefined): void => {
    if (v !== undefined) a[name] = v;
  };
  set('gen_ai.request.temperature', num(req.temperature));
  set('gen_ai.request.max_tokens', num(req.max_tokens) ?? num(req.max_completion_tokens) ?? num(req.max_output_tokens));
  set('gen_ai.request.top_p', num(req.top_p));
  set('gen_ai.request.top_k', num(req.top_k));
  set('gen_ai.request.frequency_penalty', num(req.frequency_penalty));
  set('gen_ai.request.presence_penalty', num(req.presence_penalty));
  set('gen_ai.request.seed', num(req.seed));
  const n = num(req.n);
  if (n !== undefined && n !== 1) a['gen_ai.request.choice.count'] = n;
  const stop = req.stop ?? req.stop_sequences;
  if (typeof stop === 'string') a['gen_ai.request.stop_sequences'] = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) a['gen_ai.request.stop_sequences'] = stop as string[];
  const format = isObj(req.response_format) ? req.response_format.type : undefined;
  if (format === 'json_object' || format === 'json_schema') a['gen_ai.output.type'] = 'json';
  else if (format === 'text') a['gen_ai.output.type'] = 'text';
  if (Array.isArray(req.tools) && req.tools.length > 0) a['gen_ai.tool.definitions'] = JSON.stringify(req.tools);
  return a;
}

export interface LlmBodies {
  request?: string;
  response?: string;
}

/** The GenAI attributes of a recorded call; `bodies` are the decoded request/response bodies when available. */
export function llmAttributes(p: LlmPayload, bodies: LlmBodies): Record<string, AttrValue> {
  const provider = providerName(p.provider);
  const a: Record<string, AttrValue> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    // The name before semantic conventions 1.37; many backends still read it.
    'gen_ai.system': provider,
  };
  if (p.model) a['gen_ai.request.model'] = p.model;
  a['gen_ai.request.stream'] = p.stream;
  const req = parseJsonObject(bodies.request);
  if (req) Object.assign(a, requestParams(req));
  const resp = responseIdentity(bodies.response, p.response?.chunks);
  if (resp.model) a['gen_ai.response.model'] = resp.model;
  if (resp.id) a['gen_ai.response.id'] = resp.id;
  if (p.usage) {
    a['gen_ai.usage.input_tokens'] = p.usage.promptTokens;
    a['gen_ai.usage.output_tokens'] = p.usage.completionTokens;
  }
  if (p.finishReason) a['gen_ai.response.finish_reasons'] = [p.finishReason];
  if (p.stream && p.response?.chunks?.length) a['gen_ai.response.time_to_first_chunk'] = p.response.chunks[0].t / 1000;

  // An API that takes the system prompt beside the messages (Anthropic) shows it as `gen_ai.system_instructions`.
  let messages = inputMessages(p.messages);
  if (p.provider === 'anthropic' && messages[0]?.role === 'system') {
    a['gen_ai.system_instructions'] = JSON.stringify(messages[0].parts);
    messages = messages.slice(1);
  }
  if (messages.length > 0) a['gen_ai.input.messages'] = JSON.stringify(messages);
  const out = outputMessages(p.reply, p.finishReason);
  if (out.length > 0) a['gen_ai.output.messages'] = JSON.stringify(out);
  return a;
}
