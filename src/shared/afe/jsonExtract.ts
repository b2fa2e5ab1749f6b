/**
 * Finding the JSON inside a model's reply: the text itself when it parses, else the body of a ``` fence, else the
 * outermost balanced {…} or […] (string-aware). The counterfactual correction for bad_json and the tolerant-parse
 * helper that fix candidates add to user code follow the same rules. Pure.
 */

/** The end (exclusive) of the balanced {…} / […] that opens at `start`, or -1. Brackets inside strings are skipped. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON text found in `text` (a substring that `JSON.parse` accepts), or null when there is none. Prefers the
 * whole text, then a fenced block, then the largest balanced object/array that parses.
 */
export function extractJson(text: string): string | null {
  const whole = text.trim();
  if (whole && parses(whole)) return whole;
  const fence = /```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/.exec(text);
  if (fence && parses(fence[1].trim())) return fence[1].trim();
  // The largest balanced value wins, so a "[1]" in the prose before the object is not taken for the answer.
  let best: string | null = null;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    const end = balancedEnd(text, i);
    if (end > 0 && parses(text.slice(i, end))) {
      if (!best || end - i > best.length) best = text.slice(i, end);
      i = end - 1;
    }
  }
  return best;
}
