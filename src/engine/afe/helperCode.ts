/**
 * The small helper functions fix candidates add to a user's file (once), as templates in the house style of
 * sourceEdit.styled(): single quotes, semicolons at line ends, two-space indentation, no line starting with `(`, `[`
 * or a backtick. Each has a JavaScript and a TypeScript form. Pure data.
 */

export interface HelperCode {
  name: string;
  js: string;
  ts: string;
}

/** JSON.parse that accepts a model's reply around the JSON: ``` fences, prose before/after the object or array. */
export const PARSE_JSON_REPLY: HelperCode = {
  name: 'parseJsonReply',
  js: `function parseJsonReply(text) {
  const raw = String(text ?? '').trim();
  try {
    return JSON.parse(raw);
  } catch (err) {
    const fenced = /\`\`\`[\\w-]*\\s*([\\s\\S]*?)\`\`\`/.exec(raw);
    const inner = fenced ? fenced[1].trim() : raw;
    const start = inner.search(/[[{]/);
    const end = Math.max(inner.lastIndexOf('}'), inner.lastIndexOf(']'));
    if (start < 0 || end < start) throw err;
    return JSON.parse(inner.slice(start, end + 1));
  }
}`,
  ts: `function parseJsonReply(text: string | null | undefined): any {
  const raw = String(text ?? '').trim();
  try {
    return JSON.parse(raw);
  } catch (err) {
    const fenced = /\`\`\`[\\w-]*\\s*([\\s\\S]*?)\`\`\`/.exec(raw);
    const inner = fenced ? fenced[1].trim() : raw;
    const start = inner.search(/[[{]/);
    const end = Math.max(inner.lastIndexOf('}'), inner.lastIndexOf(']'));
    if (start < 0 || end < start) throw err;
    return JSON.parse(inner.slice(start, end + 1));
  }
}`,
};

/** Retries a call on 429 / 5xx / connection errors with exponential backoff, waiting what retry-after asks. */
export const WITH_RETRY: HelperCode = {
  name: 'withRetry',
  js: `async function withRetry(call, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const status = err?.status;
      const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
      if (!retryable || attempt >= attempts) throw err;
      const headers = err?.headers;
      const retryAfter = Number(typeof headers?.get === 'function' ? headers.get('retry-after') : headers?.['retry-after']);
      const delayMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : Math.min(500 * 2 ** attempt, 8000);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}`,
  ts: `async function withRetry<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { status?: number; headers?: unknown };
      const status = e?.status;
      const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
      if (!retryable || attempt >= attempts) throw err;
      const headers = e?.headers as { get?: (name: string) => string | null } & Record<string, string | undefined>;
      const retryAfter = Number(typeof headers?.get === 'function' ? headers.get('retry-after') : headers?.['retry-after']);
      const delayMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : Math.min(500 * 2 ** attempt, 8000);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}`,
};

/** Keeps the system messages and the last `keep` others; never starts the kept part on an orphan tool result. */
export const TRIM_MESSAGES: HelperCode = {
  name: 'trimMessages',
  js: `function trimMessages(messages, keep) {
  const system = messages.filter((m) => m.role === 'system');
  const rest = messages.filter((m) => m.role !== 'system').slice(-keep);
  while (rest.length > 1 && rest[0].role === 'tool') rest.shift();
  return system.concat(rest);
}`,
  ts: `function trimMessages<T extends { role: string }>(messages: T[], keep: number): T[] {
  const system = messages.filter((m) => m.role === 'system');
  const rest = messages.filter((m) => m.role !== 'system').slice(-keep);
  while (rest.length > 1 && rest[0].role === 'tool') rest.shift();
  return system.concat(rest);
}`,
};

/**
 * Text cut to at most `max` characters, keeping its beginning and its end (where logs and documents usually say
 * what matters) around a marker that says how much was left out.
 */
export const FIT_TEXT: HelperCode = {
  name: 'fitText',
  js: `function fitText(text, max) {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.25);
  const tail = max - head;
  return text.slice(0, head) + '\\n[… ' + (text.length - max) + ' characters left out …]\\n' + text.slice(-tail);
}`,
  ts: `function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.25);
  const tail = max - head;
  return text.slice(0, head) + '\\n[… ' + (text.length - max) + ' characters left out …]\\n' + text.slice(-tail);
}`,
};

/** A value as an array: arrays unchanged, null/undefined as [], anything else wrapped. */
export const AS_ARRAY: HelperCode = {
  name: 'asArray',
  js: `function asArray(value) {
  return Array.isArray(value) ? value : value == null ? [] : [value];
}`,
  ts: `function asArray<T>(value: T | T[] | null | undefined): T[] {
  return Array.isArray(value) ? value : value == null ? [] : [value];
}`,
};
