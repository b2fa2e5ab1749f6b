/**
 * The agent's arguments as typed in the "Record a script…" dialog: split on whitespace like a shell would for the
 * simple cases (single and double quotes group words, a backslash escapes the next character outside single
 * quotes), with no expansion of any kind. Pure, so the renderer and its tests share it.
 */

export type SplitArgs = { ok: true; args: string[] } | { ok: false; error: string };

export function splitArgs(text: string): SplitArgs {
  const args: string[] = [];
  let current = '';
  // A word exists once anything was typed for it, even an empty pair of quotes ("" is an empty argument).
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      // Inside double quotes a backslash only escapes what would otherwise end or escape the string.
      if (quote === '"' && next !== '"' && next !== '\\') {
        current += c;
        continue;
      }
      current += next;
      i++;
      inWord = true;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: `unclosed ${quote === '"' ? 'double' : 'single'} quote in the arguments` };
  if (inWord) args.push(current);
  return { ok: true, args };
}
