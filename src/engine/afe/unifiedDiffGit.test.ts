/**
 * The unified-diff writer (src/shared/afe/unifiedDiff.ts) against real `git diff --no-index` output (git spawned on temp files): same bytes from the
 * `---` line on, for insertions, removals, replacements, CRLF files, missing final newlines and far-apart hunks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../shared/afe/unifiedDiff.js';

const dir = mkdtempSync(join(tmpdir(), 'atr-udiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** git's diff of the two texts, from its `---` line on ('' when equal). */
function gitDiff(before: string, after: string): string {
  writeFileSync(join(dir, 'old.js'), before);
  writeFileSync(join(dir, 'new.js'), after);
  try {
    execFileSync('git', ['-c', 'core.autocrlf=false', 'diff', '--no-index', '--no-color', '--no-ext-diff', 'old.js', 'new.js'], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (e) {
    const out = (e as { stdout: string }).stdout;
    return out.slice(out.indexOf('--- '));
  }
}

const agent = [
  "import OpenAI from 'openai';",
  '',
  "const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });",
  '',
  'async function main() {',
  '  const res = await client.chat.completions.create({',
  "    model: 'gpt-4o-mini',",
  "    messages: [{ role: 'user', content: 'hi' }],",
  '  });',
  '  const data = JSON.parse(res.choices[0].message.content);',
  '  console.log(data.answer);',
  '}',
  '',
  'await main();',
  '',
].join('\n');

const lines = (n: number, tag = ''): string => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}\n`).join('');

const pairs: Record<string, [string, string]> = {
  'replace one line': [agent, agent.replace('JSON.parse(', 'parseJsonReply(')],
  'append a helper after the closing brace': [agent, `${agent}\nfunction parseJsonReply(text) {\n  return JSON.parse(text);\n}\n`],
  'add an option line': [agent, agent.replace("    model: 'gpt-4o-mini',\n", "    model: 'gpt-4o-mini',\n    response_format: { type: 'json_object' },\n")],
  'remove lines': [agent, agent.replace("  const data = JSON.parse(res.choices[0].message.content);\n  console.log(data.answer);\n", '')],
  'two far-apart hunks and one merged': [lines(40), lines(40).replace('line 3\n', 'line three\n').replace('line 30\n', 'line thirty\n').replace('line 35\n', 'line 35b\n')],
  'CRLF text': [agent.replace(/\n/g, '\r\n'), agent.replace(/\n/g, '\r\n').replace('console.log(data.answer);', 'console.log(data?.answer);')],
  'no newline at the end, before': [agent.trimEnd(), `${agent.trimEnd()}\n`],
  'no newline at the end, after': [agent, `${agent}// end`],
  'no newline at the end, both': [`${agent}a`, `${agent}b`],
  'from empty': ['', agent],
  'to empty': [agent, ''],
  'repeated lines slide like git': [lines(5) + '}\n\n}\n', lines(5) + '}\n\n}\n\n}\n'],
  'changes at the very top': [agent, `// header\n${agent.replace("import OpenAI from 'openai';", 'import OpenAI from "openai";')}`],
};

describe('unifiedDiff matches git diff --no-index', () => {
  for (const [name, [before, after]] of Object.entries(pairs)) {
    it(name, () => {
      const ours = unifiedDiff('old.js', 'new.js', before, after);
      expect(ours).toBe(gitDiff(before, after));
      expect(ours).not.toBe('');
    });
  }
});
