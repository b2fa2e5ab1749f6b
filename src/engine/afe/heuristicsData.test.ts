/**
 * Heuristics for bad values reaching user code (bad_json, schema_mismatch, missing_context, code_bug) on real agent
 * sources: exact patched text at the failing frame, parse, idempotence, the prompt changes.
 */
import { describe, expect, it } from 'vitest';
import { nameDistance } from './heuristicsNames.js';
import { afterOf, failure, llmEvent, patchOf, run } from '../../../test/helpers/heuristicsFixtures.js';
import { isPatch } from './heuristics.js';

const planner = `import Groq from 'groq-sdk';
const groq = new Groq({ apiKey: process.env.GROQ_API_KEY });

async function plan(goal) {
  const res = await groq.chat.completions.create({
    model: 'llama-3.3-70b-versatile',
    messages: [
      { role: 'system', content: 'You plan tasks. Answer with {"steps": [...]}' },
      { role: 'user', content: goal },
    ],
  });
  const plan = JSON.parse(res.choices[0].message.content);
  return plan.steps.map((s) => s.toUpperCase());
}

console.log(await plan('ship it'));
`;

describe('bad_json', () => {
  it('replaces JSON.parse at the frame with a tolerant parse (helper added once) and turns on JSON mode', () => {
    const list = run({ failure: failure('bad_json', { frame: { file: '/a/plan.mjs', line: 12, column: 21 }, error: ['SyntaxError', 'Unexpected token'] }), files: [{ path: '/a/plan.mjs', text: planner }], event: llmEvent(0) });
    const code = patchOf(list, /Parse the model's reply tolerantly/);
    expect(code.strategy).toBe('code_patch');
    expect(afterOf(code)).toBe(
      planner.replace('const plan = JSON.parse(', 'const plan = parseJsonReply(') +
        `
function parseJsonReply(text) {
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
}
`,
    );
    const mode = patchOf(list, /JSON mode/);
    expect(mode.strategy).toBe('prompt_change');
    // JSON mode needs the word "JSON" in the messages: the system prompt has none, so a sentence is added to it.
    expect(afterOf(mode)).toBe(
      planner
        .replace("      { role: 'user', content: goal },\n    ],\n", "      { role: 'user', content: goal },\n    ],\n    response_format: { type: 'json_object' },\n")
        .replace('Answer with {"steps": [...]}\'', 'Answer with {"steps": [...]} Reply with a JSON object only.\''),
    );
  });
  it('the helper really parses fenced and wrapped replies (evaluated from the patched text)', async () => {
    const list = run({ failure: failure('bad_json', { frame: { file: '/a/plan.mjs', line: 12 } }), files: [{ path: '/a/plan.mjs', text: planner }] });
    const after = afterOf(patchOf(list, /tolerantly/));
    const helper = after.slice(after.indexOf('function parseJsonReply'));
    const parse = new Function(`${helper}; return parseJsonReply;`)() as (t: string) => unknown;
    expect(parse('```json\n{"steps": ["a"]}\n```')).toEqual({ steps: ['a'] });
    expect(parse('Sure! Here it is: {"steps": ["a", "b"]} Hope it helps')).toEqual({ steps: ['a', 'b'] });
    expect(() => parse('no json here')).toThrow(SyntaxError);
  });
  it('TS file, double quotes, semicolon-less, a prompt that mentions JSON, streaming left alone', () => {
    const src = `import OpenAI from "openai"
const openai = new OpenAI()
export async function extract(text: string) {
  const r = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: \`Return JSON for: \${text}\` }] })
  const out = JSON.parse(r.choices[0].message.content ?? "{}") as { name: string }
  return out.name
}
`;
    const list = run({ failure: failure('bad_json', { frame: { file: '/a/x.ts', line: 5 } }), files: [{ path: '/a/x.ts', text: src }] });
    const after = afterOf(patchOf(list, /tolerantly/));
    expect(after).toContain('const out = parseJsonReply(r.choices[0].message.content ?? "{}") as { name: string }');
    expect(after).toContain('\nfunction parseJsonReply(text: string | null | undefined): any {\n  const raw = String(text ?? "").trim()\n');
    expect(afterOf(patchOf(list, /JSON mode/))).toBe(src.replace('${text}` }] })', '${text}` }], response_format: { type: "json_object" } })'));
    const streamed = src.replace('model: "gpt-4o-mini",', 'model: "gpt-4o-mini", stream: true,');
    expect(run({ failure: failure('bad_json', { frame: { file: '/a/x.ts', line: 5 } }), files: [{ path: '/a/x.ts', text: streamed }] }).map((c) => c.title)).toEqual(["Parse the model's reply tolerantly (fences, text around the JSON)"]);
  });
});

describe('schema_mismatch', () => {
  it('.map on a string field: normalized to an array at the failing line; the prompt states the shape', () => {
    const list = run({ failure: failure('schema_mismatch', { frame: { file: '/a/plan.mjs', line: 13, column: 21 }, error: ['TypeError', 'plan.steps.map is not a function'] }), files: [{ path: '/a/plan.mjs', text: planner }] });
    const code = patchOf(list, /as a JSON array/);
    expect(afterOf(code)).toBe(planner.replace('return plan.steps.map(', 'return (Array.isArray(plan.steps) ? plan.steps : [plan.steps]).map('));
    expect(afterOf(patchOf(list, /Tell the model that "steps" must be a JSON array/))).toBe(planner.replace('Answer with {"steps": [...]}\'', 'Answer with {"steps": [...]} Return "steps" as a JSON array.\''));
  });
  it('a computed receiver goes through asArray(); a string method on a non-string through String()', () => {
    const src = "const items = JSON.parse(text).items.filter(Boolean);\nconst label = row.name.toUpperCase();\n";
    const arr = run({ failure: failure('schema_mismatch', { frame: { file: '/a/s.js', line: 1 }, error: ['TypeError', 'JSON.parse(...).items.filter is not a function'] }), files: [{ path: '/a/s.js', text: src }] });
    expect(afterOf(patchOf(arr, /as a JSON array/))).toBe(
      'const items = asArray(JSON.parse(text).items).filter(Boolean);\nconst label = row.name.toUpperCase();\n\nfunction asArray(value) {\n  return Array.isArray(value) ? value : value == null ? [] : [value];\n}\n',
    );
    const str = run({ failure: failure('schema_mismatch', { frame: { file: '/a/s.js', line: 2, column: 24 }, error: ['TypeError', 'row.name.toUpperCase is not a function'] }), files: [{ path: '/a/s.js', text: src }] });
    expect(afterOf(patchOf(str, /as a string/))).toBe('const items = JSON.parse(text).items.filter(Boolean);\nconst label = String(row.name).toUpperCase();\n');
  });
});

const weather = `import { tool } from 'agenttrace/sdk';

const getWeather = tool('getWeather', async (city) => {
  const res = await fetch(\`https://wx.example/api?q=\${city}\`);
  return res.json();
});

const data = await getWeather('Paris');
const celsius = data.current.temp - 273.15;
console.log(\`Temp in Paris: \${data.current.temp}\`);
const summary = data.current.summary;
if (data.current.rain) console.log('umbrella');
`;

describe('missing_context', () => {
  const frame = (line: number, column: number) => ({ file: '/w/agent.mjs', line, column });
  const err = (p: string): [string, string] => ['TypeError', `Cannot read properties of undefined (reading '${p}')`];
  it('arithmetic: optional chaining with a numeric fallback, parenthesized', () => {
    const list = run({ failure: failure('missing_context', { frame: frame(9, 30), error: err('temp') }), files: [{ path: '/w/agent.mjs', text: weather }], event: { seq: 4, kind: 'http', ts: 1, payload: { layer: 'fetch', request: { method: 'GET', url: 'https://wx.example/api?q=Paris', headers: {} } } } });
    const p = patchOf(list, /Guard the read of temp/);
    expect(afterOf(p)).toBe(weather.replace('const celsius = data.current.temp - 273.15;', 'const celsius = (data.current?.temp ?? 0) - 273.15;'));
    expect(p.rationale).toMatch(/`data.current` was undefined in the result of step 4 \(http\)/);
  });
  it('template: a text fallback; declaration: null; condition: no fallback needed', () => {
    expect(afterOf(patchOf(run({ failure: failure('missing_context', { frame: frame(10, 43), error: err('temp') }), files: [{ path: '/w/agent.mjs', text: weather }] }), /Guard/))).toContain("console.log(`Temp in Paris: ${data.current?.temp ?? 'unknown'}`);");
    expect(afterOf(patchOf(run({ failure: failure('missing_context', { frame: frame(11, 30), error: err('summary') }), files: [{ path: '/w/agent.mjs', text: weather }] }), /Guard/))).toContain('const summary = data.current?.summary ?? null;\n');
    expect(afterOf(patchOf(run({ failure: failure('missing_context', { frame: frame(12, 18), error: err('rain') }), files: [{ path: '/w/agent.mjs', text: weather }] }), /Guard/))).toContain("if (data.current?.rain) console.log('umbrella');");
  });
  it('the frame column picks the read among several on the line; a chain continues after it', () => {
    const src = 'const t = resp.data.items[0].price.toFixed(2) + resp.data.total;\n';
    const list = run({ failure: failure('missing_context', { frame: { file: '/w/a.ts', line: 1, column: 30 }, error: err('price') }), files: [{ path: '/w/a.ts', text: src }] });
    expect(afterOf(patchOf(list, /Guard/))).toBe('const t = (resp.data.items[0]?.price.toFixed(2) ?? 0) + resp.data.total;\n');
  });
  it('an assignment target is not guarded; no TypeError, no patch', () => {
    expect(run({ failure: failure('missing_context', { frame: { file: '/w/a.js', line: 1, column: 10 }, error: err('b') }), files: [{ path: '/w/a.js', text: 'state.a.b = 1;\n' }] })).toEqual([]);
    expect(run({ failure: failure('missing_context', { frame: { file: '/w/a.js', line: 1 } }), files: [{ path: '/w/a.js', text: 'state.a.b;\n' }] })).toEqual([]);
  });
});

describe('code_bug', () => {
  it('a TypeError on undefined.x gets optional chaining (lower safety); anything else needs you', () => {
    const list = run({ failure: failure('code_bug', { frame: { file: '/w/agent.mjs', line: 11, column: 30 }, error: ['TypeError', "Cannot read properties of undefined (reading 'summary')"] }), files: [{ path: '/w/agent.mjs', text: weather }] });
    const p = patchOf(list, /Guard/);
    expect(p.safety).toBeLessThan(0.7);
    const [c] = run({ failure: failure('code_bug', { frame: { file: '/w/agent.mjs', line: 8, sourceLine: "const data = await getWeather('Paris');" }, error: ['ReferenceError', 'fetchh is not defined'] }), files: [{ path: '/w/agent.mjs', text: weather }] });
    expect(isPatch(c)).toBe(false);
    expect('needsYou' in c && c.needsYou).toBe("Fix /w/agent.mjs:8 (`const data = await getWeather('Paris');`): ReferenceError: fetchh is not defined. The failure does not come from a recorded input (no reply or result was wrong), so no value change fixes it.");
  });
});

describe('code_bug: a misspelt name', () => {
  const agent = "function formatReport(title, body) {\n  return `# ${title}\\n${body}`;\n}\nconst report = formatReprt('May 3', text);\nconsole.log(formatReprt('again', report), obj.formatReprt);\n";
  it('renames every use of the undefined name to the one declared name it is a typo of', () => {
    const list = run({ failure: failure('code_bug', { frame: { file: '/w/report.mjs', line: 4 }, error: ['ReferenceError', 'formatReprt is not defined'] }), files: [{ path: '/w/report.mjs', text: agent }] });
    const p = patchOf(list, /Call formatReport, not the undefined formatReprt/);
    expect(afterOf(p)).toBe(agent.replace("= formatReprt('May 3'", "= formatReport('May 3'").replace("log(formatReprt('again'", "log(formatReport('again'"));
  });
  it('two close names, or none, is a question for the developer', () => {
    const two = agent.replace('function formatReport', 'function formatReports(a) { return a; }\nfunction formatReport');
    const [c] = run({ failure: failure('code_bug', { frame: { file: '/w/report.mjs', line: 5 }, error: ['ReferenceError', 'formatReprt is not defined'] }), files: [{ path: '/w/report.mjs', text: two }] });
    expect(isPatch(c)).toBe(false);
    expect(nameDistance('formatReprt', 'formatReport', 2)).toBe(1);
    expect(nameDistance('recieve', 'receive', 1)).toBe(1);
    expect(nameDistance('abc', 'xyz', 1)).toBeGreaterThan(1);
  });
});

describe('CRLF files', () => {
  it('inserted lines and the helper use the file\'s CRLF endings', () => {
    const src = planner.replace(/\n/g, '\r\n');
    const after = afterOf(patchOf(run({ failure: failure('bad_json', { frame: { file: '/a/plan.mjs', line: 12 } }), files: [{ path: '/a/plan.mjs', text: src }] }), /tolerantly/));
    expect(after.startsWith(src.replace('JSON.parse(res', 'parseJsonReply(res'))).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    const mode = afterOf(patchOf(run({ failure: failure('bad_json', { frame: { file: '/a/plan.mjs', line: 12 } }), files: [{ path: '/a/plan.mjs', text: src }] }), /JSON mode/));
    expect(mode).toContain("    ],\r\n    response_format: { type: 'json_object' },\r\n  });");
  });
});
