/**
 * Where the tool calls of an LLM reply went: the step that ran each tool (the SDK `tool` annotation of that name
 * after the call, or else the next HTTP call the agent made) and its result (the `tool` message with the call's id
 * in the next LLM request). Pure: the chat view's hook feeds it timeline summaries and the next call's messages.
 */
import type { Json } from '../trace/types.js';
import { conversationOf } from './chatModel.js';

export interface LinkEvent {
  seq: number;
  kind: string;
  /** The timeline title: for a tool annotation, its name first (`search (12ms)`, `search ✗ boom`). */
  title: string;
}

export interface ToolLink {
  /** Index of the call in the reply's tool calls. */
  call: number;
  /** The step that ran the tool, and how it was found. */
  step?: { seq: number; via: 'tool' | 'http' };
  /** The later LLM call whose request carries the result, the message's index there and its text. */
  result?: { seq: number; messageIndex: number; text: string };
}

/** Name of a tool annotation from its timeline title (the name, then a duration or an error mark). */
function annotationName(title: string): string {
  return title.replace(/ (\(.*\)|✗ .*)$/, '');
}

/**
 * Links each call of `calls` (in reply order) to the step that ran it and to its result. `after`: events after the
 * LLM call in seq order (tool, http and llm kinds are enough); `next`: the next LLM call and its request messages.
 * A tool annotation is matched by name, first unused first; without any tool annotation before the next LLM call,
 * the HTTP calls in between are taken in order (an agent that calls an API per tool). Results are matched by call id,
 * or by order of the tool messages when the calls carry no id.
 */
export function linkToolCalls(calls: readonly { id?: string; name: string }[], after: readonly LinkEvent[], next?: { seq: number; messages: Json | undefined }): ToolLink[] {
  const nextLlm = after.find((e) => e.kind === 'llm')?.seq ?? next?.seq ?? Infinity;
  const window = after.filter((e) => e.seq < nextLlm);
  const tools = window.filter((e) => e.kind === 'tool');
  const https = tools.length === 0 ? window.filter((e) => e.kind === 'http') : [];
  const used = new Set<number>();
  const results = next ? conversationOf(next.messages).messages.filter((m) => m.role === 'tool') : [];
  const usedResults = new Set<number>();
  return calls.map((c, i) => {
    const link: ToolLink = { call: i };
    const byName = tools.find((e) => !used.has(e.seq) && annotationName(e.title) === c.name);
    const step = byName ?? (tools.length === 0 ? https.find((e) => !used.has(e.seq)) : undefined);
    if (step) {
      used.add(step.seq);
      link.step = { seq: step.seq, via: byName ? 'tool' : 'http' };
    }
    const r = c.id !== undefined ? results.find((m) => m.toolCallId === c.id) : results.find((m) => !usedResults.has(m.index) && m.toolCallId === undefined);
    if (r && next) {
      usedResults.add(r.index);
      link.result = { seq: next.seq, messageIndex: r.index, text: r.text };
    }
    return link;
  });
}
