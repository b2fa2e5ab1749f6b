/**
 * Deterministic replies of the mock LLM server, derived only from the request body: the same request always gets
 * the same bytes (ids are hashes of the request, `created` is fixed), so recorded and replayed runs can be compared.
 */
import { createHash } from 'node:crypto';
import { scenarioContent } from './llmScenarios.js';

export type Dialect = 'openai' | 'groq' | 'anthropic';
type Obj = Record<string, unknown>;

/** Fixed creation time of every reply (deterministic bytes). */
const CREATED = 1_700_000_000;

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
/** Splits text into word pieces whose concatenation is the text ("a b" → ["a", " b"]). */
const pieces = (text: string): string[] => text.match(/\s*\S+/g) ?? [text];
const idOf = (prefix: string, request: Obj): string => prefix + createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 16);

/** Plain text of a message content: a string, or an array of parts whose text parts are joined. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as Obj).text === 'string' ? ((p as Obj).text as string) : ''))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

function messagesOf(request: Obj): Obj[] {
  return Array.isArray(request.messages) ? (request.messages as Obj[]).filter((m) => m && typeof m === 'object') : [];
}

function lastUserText(request: Obj): string {
  const users = messagesOf(request).filter((m) => m.role === 'user');
  return users.length ? contentText(users[users.length - 1].content) : '';
}

function promptTokens(request: Obj): number {
  return messagesOf(request).reduce((n, m) => n + words(contentText(m.content)), 0);
}

/** The tool to call: the first tool, when tools were offered and the last message is the user's. */
function toolToCall(request: Obj, dialect: Dialect): string | null {
  const tools = Array.isArray(request.tools) ? (request.tools as Obj[]) : [];
  const msgs = messagesOf(request);
  if (!tools.length || msgs[msgs.length - 1]?.role !== 'user') return null;
  const first = tools[0];
  const name = dialect === 'anthropic' ? first.name : (first.function as Obj | undefined)?.name;
  return typeof name === 'string' ? name : null;
}

interface Plan {
  content: string;
  tool: { id: string; name: string; arguments: string } | null;
  usage: { prompt: number; completion: number };
}

function plan(request: Obj, dialect: Dialect): Plan {
  const text = lastUserText(request);
  const scripted = scenarioContent(request, text);
  if (scripted !== null) return { content: scripted, tool: null, usage: { prompt: promptTokens(request), completion: words(scripted) } };
  const toolName = toolToCall(request, dialect);
  const tool = toolName ? { id: idOf(dialect === 'anthropic' ? 'toolu_' : 'call_', request), name: toolName, arguments: JSON.stringify({ query: text }) } : null;
  const content = tool ? '' : `echo: ${text}`;
  return { content, tool, usage: { prompt: promptTokens(request), completion: words(tool ? tool.arguments : content) } };
}

function openAiUsage(p: Plan): Obj {
  return { prompt_tokens: p.usage.prompt, completion_tokens: p.usage.completion, total_tokens: p.usage.prompt + p.usage.completion };
}

/** A non-streamed chat.completion. */
export function openAiReply(request: Obj, dialect: Dialect): Obj {
  const p = plan(request, dialect);
  const message: Obj = { role: 'assistant', content: p.tool ? null : p.content };
  if (p.tool) message.tool_calls = [{ id: p.tool.id, type: 'function', function: { name: p.tool.name, arguments: p.tool.arguments } }];
  const reply: Obj = {
    id: idOf('chatcmpl-', request),
    object: 'chat.completion',
    created: CREATED,
    model: request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: p.tool ? 'tool_calls' : 'stop' }],
    usage: openAiUsage(p),
    system_fingerprint: 'fp_mock',
  };
  if (dialect === 'groq') reply.x_groq = { id: idOf('req_', request) };
  return reply;
}

/** The chat.completion.chunk objects of a streamed reply (without the final `[DONE]`). */
export function openAiStreamChunks(request: Obj, dialect: Dialect): Obj[] {
  const p = plan(request, dialect);
  const id = idOf('chatcmpl-', request);
  const chunk = (delta: Obj, finish: string | null = null): Obj => ({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: request.model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: Obj[] = [];
  if (p.tool) {
    out.push(chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: p.tool.id, type: 'function', function: { name: p.tool.name, arguments: '' } }] }));
    for (const piece of pieces(p.tool.arguments)) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    out.push(chunk({ role: 'assistant', content: '' }));
    for (const piece of pieces(p.content)) out.push(chunk({ content: piece }));
  }
  const last = chunk({}, p.tool ? 'tool_calls' : 'stop');
  // Groq reports stream usage in x_groq on the last chunk.
  if (dialect === 'groq') last.x_groq = { id: idOf('req_', request), usage: openAiUsage(p) };
  out.push(last);
  const streamOptions = request.stream_options as Obj | undefined;
  if (streamOptions?.include_usage === true) {
    out.push({ id, object: 'chat.completion.chunk', created: CREATED, model: request.model, system_fingerprint: 'fp_mock', choices: [], usage: openAiUsage(p) });
  }
  return out;
}

function anthropicContent(p: Plan): Obj[] {
  return p.tool ? [{ type: 'tool_use', id: p.tool.id, name: p.tool.name, input: JSON.parse(p.tool.arguments) as Obj }] : [{ type: 'text', text: p.content }];
}

/** A non-streamed Anthropic message. */
export function anthropicReply(request: Obj): Obj {
  const p = plan(request, 'anthropic');
  return {
    id: idOf('msg_', request),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: anthropicContent(p),
    stop_reason: p.tool ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: p.usage.prompt, output_tokens: p.usage.completion },
  };
}

/** The events of a streamed Anthropic message, in order. */
export function anthropicStreamEvents(request: Obj): (Obj & { type: string })[] {
  const p = plan(request, 'anthropic');
  const out: (Obj & { type: string })[] = [
    {
      type: 'message_start',
      message: { id: idOf('msg_', request), type: 'message', role: 'assistant', model: request.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: p.usage.prompt, output_tokens: 1 } },
    },
  ];
  if (p.tool) {
    out.push({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: p.tool.id, name: p.tool.name, input: {} } });
    for (const piece of pieces(p.tool.arguments)) out.push({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } });
  } else {
    out.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const piece of pieces(p.content)) out.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
  }
  out.push({ type: 'content_block_stop', index: 0 });
  out.push({ type: 'message_delta', delta: { stop_reason: p.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: p.usage.completion } });
  out.push({ type: 'message_stop' });
  return out;
}
