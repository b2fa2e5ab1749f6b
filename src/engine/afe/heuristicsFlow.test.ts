/**
 * Heuristics for control flow (tool_error, loop) on real agent sources: exact patched text, parse, idempotence.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../shared/trace/types.js';
import { afterOf, failure, patchOf, run } from '../../../test/helpers/heuristicsFixtures.js';

const toolEvent = (name: string): TraceEvent => ({ seq: 6, kind: 'tool', ts: 1, payload: { name, error: { name: 'Error', message: 'boom' } } });

describe('tool_error', () => {
  it('wraps the body of the tool() function in try/catch returning the error (block body, JS)', () => {
    const src = `import { tool } from 'agenttrace/sdk';

const search = tool('search', async (query) => {
  const res = await fetch(\`https://search.example/?q=\${query}\`);
  if (!res.ok) throw new Error(\`search failed: \${res.status}\`);
  return res.json();
});

console.log(await search('x'));
`;
    const list = run({ failure: failure('tool_error', { frame: { file: '/t/a.mjs', line: 5 } }), files: [{ path: '/t/a.mjs', text: src }], event: toolEvent('search') });
    const p = patchOf(list, /Return the error of tool\("search"\) to the agent/);
    expect(afterOf(p)).toBe(`import { tool } from 'agenttrace/sdk';

const search = tool('search', async (query) => {
  try {
    const res = await fetch(\`https://search.example/?q=\${query}\`);
    if (!res.ok) throw new Error(\`search failed: \${res.status}\`);
    return res.json();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
});

console.log(await search('x'));
`);
  });
  it('an expression-bodied tool (TS, string result, no semicolons, a multi-line template kept byte for byte)', () => {
    const src = `import { tool } from "agenttrace/sdk"
const lookup = tool("lookup", async (id: string): Promise<string> => (await db.get(\`row
\${id}\`)).name)
`;
    const list = run({ failure: failure('tool_error'), files: [{ path: '/t/a.ts', text: src }], event: toolEvent('lookup') });
    expect(afterOf(patchOf(list, /lookup/))).toBe(`import { tool } from "agenttrace/sdk"
const lookup = tool("lookup", async (id: string): Promise<string> => {
  try {
    return await (await db.get(\`row
\${id}\`)).name
  } catch (err) {
    return \`Error: \${err instanceof Error ? err.message : String(err)}\`
  }
})
`);
  });
  it('without tool(): the named helper the frame is in (tab-indented); never the main function', () => {
    const src = 'async function fetchQuote(sym) {\n\tconst r = await fetch(`https://q.example/${sym}`);\n\treturn (await r.json()).price;\n}\n';
    const list = run({ failure: failure('tool_error', { frame: { file: '/t/q.js', line: 3 } }), files: [{ path: '/t/q.js', text: src }] });
    expect(afterOf(patchOf(list, /fetchQuote\(\)/))).toBe(
      'async function fetchQuote(sym) {\n\ttry {\n\t\tconst r = await fetch(`https://q.example/${sym}`);\n\t\treturn (await r.json()).price;\n\t} catch (err) {\n\t\treturn { error: err instanceof Error ? err.message : String(err) };\n\t}\n}\n',
    );
    const main = 'async function main() {\n  throw new Error("x");\n}\nawait main();\n';
    expect(run({ failure: failure('tool_error', { frame: { file: '/t/m.js', line: 2 } }), files: [{ path: '/t/m.js', text: main }] })).toEqual([]);
  });
});

const agentLoop = `import OpenAI from 'openai';
const client = new OpenAI();
const messages = [{ role: 'user', content: 'book a table' }];

while (true) {
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  const msg = res.choices[0].message;
  messages.push(msg);
  if (!msg.tool_calls) break;
  for (const call of msg.tool_calls) messages.push(await runTool(call));
}
`;

describe('loop', () => {
  it('an unbounded agent loop gets a turn cap with a clean break, and a break on a repeated request', () => {
    const list = run({ failure: failure('loop', { frame: { file: '/l/a.mjs', line: 6 } }), files: [{ path: '/l/a.mjs', text: agentLoop }] });
    expect(afterOf(patchOf(list, /Cap the agent loop at 10 turns/))).toBe(
      agentLoop.replace('while (true) {\n', 'let turns = 0;\nwhile (true) {\n  if (++turns > 10) break;\n'),
    );
    expect(afterOf(patchOf(list, /repeats its last request/))).toBe(
      agentLoop
        .replace('while (true) {\n', 'let lastCallKey;\nwhile (true) {\n')
        .replace(
          "tools });\n",
          "tools });\n  const callKey = JSON.stringify(res.choices[0].message.tool_calls ?? res.choices[0].message.content);\n  if (callKey === lastCallKey) break;\n  lastCallKey = callKey;\n",
        ),
    );
  });
  it('a for loop with a large literal bound (or a named const) is lowered; a small one is kept', () => {
    const src = "import Groq from 'groq-sdk'\nconst groq = new Groq()\nconst MAX_STEPS = 500\nfor (let i = 0; i < MAX_STEPS; i++) {\n    const r = await groq.chat.completions.create({ model: 'm', messages: [] })\n}\n";
    const list = run({ failure: failure('loop'), files: [{ path: '/l/b.ts', text: src }] });
    expect(afterOf(patchOf(list, /Lower the loop's iteration cap to 10/))).toBe(src.replace('MAX_STEPS = 500', 'MAX_STEPS = 10'));
    expect(afterOf(patchOf(list, /repeats/))).toContain('let lastCallKey: string | undefined\nfor (let i = 0;');
    const small = src.replace('500', '5');
    expect(run({ failure: failure('loop'), files: [{ path: '/l/b.ts', text: small }] }).map((c) => c.title)).toEqual(['Stop the loop when the model repeats its last request']);
  });
  it('a step budget that throws inside the loop becomes a clean break', () => {
    const src = agentLoop.replace('while (true) {\n', 'let step = 0;\nwhile (true) {\n  if (++step > 50) throw new Error(\'step budget exceeded\');\n');
    const list = run({ failure: failure('loop', { frame: { file: '/l/a.mjs', line: 7 } }), files: [{ path: '/l/a.mjs', text: src }] });
    expect(afterOf(patchOf(list, /End the loop/))).toBe(src.replace("throw new Error('step budget exceeded');", 'break;'));
  });
});
