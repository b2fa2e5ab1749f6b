/**
 * Patched source (Tape.patchedFiles) through real agent processes: an agent recorded from its files on disk is
 * replayed with new texts for its script and a local import; the replay runs and reads the patched texts (ESM,
 * CommonJS, TypeScript through tsx in both module systems), and the files on disk are byte-identical afterwards
 * with the same mtime.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../determinism/spawnAgent.js';
import { record, replay, tapeOfJournal, tempDir } from '../../test/helpers/replayHarness.js';

afterAll(cleanupTempDirs);

interface Variant {
  name: string;
  main: string;
  tools: string;
  mainText: string;
  toolsText: string;
  /** Extra files of the agent's folder (package.json). */
  extra?: Record<string, string>;
}

// Each agent prints a line of its own, a value of its local import, and what it reads from that import's file.
const READ_BACK = (file: string, how: string): string => `console.log('tools file says:', /WORD(?:: string)? = '(\\w+)'/.exec(${how}(${file}, 'utf8'))[1]);`;

const VARIANTS: Variant[] = [
  {
    name: 'ESM (.mjs with a local .mjs import)',
    main: 'main.mjs',
    tools: 'tools.mjs',
    mainText: [
      "import fs from 'node:fs';",
      "import { WORD } from './tools.mjs';",
      "console.log('main v1');",
      "console.log('word:', WORD);",
      READ_BACK("new URL('./tools.mjs', import.meta.url)", 'fs.readFileSync'),
    ].join('\n'),
    toolsText: "export const WORD = 'hello';\n",
  },
  {
    name: 'ESM (.js in a type:module folder)',
    main: 'main.js',
    tools: 'tools.js',
    extra: { 'package.json': '{ "type": "module" }\n' },
    mainText: [
      "import { readFileSync } from 'node:fs';",
      "import { WORD } from './tools.js';",
      "console.log('main v1');",
      "console.log('word:', WORD);",
      READ_BACK("new URL('./tools.js', import.meta.url)", 'readFileSync'),
    ].join('\n'),
    toolsText: "export const WORD = 'hello';\n",
  },
  {
    name: 'CommonJS (.cjs requiring a local .cjs)',
    main: 'main.cjs',
    tools: 'tools.cjs',
    mainText: [
      "const fs = require('node:fs');",
      "const { WORD } = require('./tools.cjs');",
      "console.log('main v1');",
      "console.log('word:', WORD);",
      READ_BACK("require('node:path').join(__dirname, 'tools.cjs')", 'fs.readFileSync'),
    ].join('\n'),
    toolsText: "const WORD = 'hello';\nmodule.exports = { WORD };\n",
  },
  {
    name: 'CommonJS (.js in a folder without package.json)',
    main: 'main.js',
    tools: 'tools.js',
    mainText: [
      "const fs = require('fs');",
      "const { WORD } = require('./tools');",
      "console.log('main v1');",
      "console.log('word:', WORD);",
      READ_BACK("__dirname + '/tools.js'", 'fs.readFileSync'),
    ].join('\n'),
    toolsText: "const WORD = 'hello';\nexports.WORD = WORD;\n",
  },
  {
    name: 'TypeScript through tsx, CommonJS folder (.ts importing a local .ts)',
    main: 'main.ts',
    tools: 'tools.ts',
    mainText: [
      "import fs from 'node:fs';",
      "import { WORD } from './tools';",
      'const label: string = "main v1";',
      'console.log(label);',
      "console.log('word:', WORD);",
      READ_BACK("__dirname + '/tools.ts'", 'fs.readFileSync'),
    ].join('\n'),
    toolsText: "export const WORD: string = 'hello';\n",
  },
  {
    name: 'TypeScript through tsx, ESM (.mts importing a local .mts)',
    main: 'main.mts',
    tools: 'tools.mts',
    mainText: [
      "import fs from 'node:fs';",
      "import { WORD } from './tools.mts';",
      'const label: string = "main v1";',
      'console.log(label);',
      "console.log('word:', WORD);",
      READ_BACK("new URL('./tools.mts', import.meta.url)", 'fs.readFileSync'),
    ].join('\n'),
    toolsText: "export const WORD: string = 'hello';\n",
  },
];

interface FileState {
  sha: string;
  mtimeMs: number;
  size: number;
}

function stateOf(file: string): FileState {
  const st = fs.statSync(file);
  return { sha: createHash('sha256').update(fs.readFileSync(file)).digest('hex'), mtimeMs: st.mtimeMs, size: st.size };
}

describe('patched source served from the sandbox', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: the replay runs and reads the patched texts; the files on disk are untouched`, async () => {
      const dir = tempDir('agenttrace-patched-');
      // `node_modules` is not needed: the agents use builtins only.
      for (const [name, text] of Object.entries(v.extra ?? {})) fs.writeFileSync(path.join(dir, name), text);
      const main = path.join(dir, v.main);
      const tools = path.join(dir, v.tools);
      fs.writeFileSync(main, v.mainText + '\n');
      fs.writeFileSync(tools, v.toolsText);

      const rec = await record(main);
      expect(rec.code, rec.stderr.toString()).toBe(0);
      expect(rec.stdout.toString()).toBe('main v1\nword: hello\ntools file says: hello\n');

      const before = [stateOf(main), stateOf(tools)];
      const tape = tapeOfJournal(rec.journal);
      tape.patchedFiles = {
        [main]: v.mainText.replace('main v1', 'main v2 (patched)') + '\n',
        [tools]: v.toolsText.replace("'hello'", "'patched'"),
      };
      const r = await replay(main, tape);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('main v2 (patched)\nword: patched\ntools file says: patched\n');
      // Same events as recorded (console lines are compared by kind), different output: not identical.
      expect(r.verdict).toMatchObject({ stdoutIdentical: false, identical: false });
      expect(r.divergence).toBeUndefined();

      expect([stateOf(main), stateOf(tools)]).toEqual(before);
      expect(fs.readdirSync(dir).sort()).toEqual([v.main, v.tools, ...Object.keys(v.extra ?? {})].sort());
    });
  }

  it('a stack trace points into the patched text', async () => {
    const dir = tempDir('agenttrace-patched-');
    const main = path.join(dir, 'main.mjs');
    fs.writeFileSync(main, "console.log('fine');\n");
    const rec = await record(main);
    expect(rec.code).toBe(0);
    const tape = tapeOfJournal(rec.journal, { onDivergence: 'fallback' });
    tape.patchedFiles = { [main]: "console.log('fine');\n\n\nthrow new Error('patched failure');\n" };
    const r = await replay(main, tape);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('fine\n');
    expect(r.stderr).toContain('patched failure');
    expect(r.stderr).toContain(`${main}:4`);
    expect(fs.readFileSync(main, 'utf8')).toBe("console.log('fine');\n");
  });

  it('a tape whose patched path is not absolute is refused before the agent runs', async () => {
    const dir = tempDir('agenttrace-patched-');
    const main = path.join(dir, 'main.mjs');
    fs.writeFileSync(main, "console.log('fine');\n");
    const rec = await record(main);
    const tape = tapeOfJournal(rec.journal);
    tape.patchedFiles = { 'main.mjs': "console.log('other');\n" };
    const r = await replay(main, tape);
    expect(r.code).toBe(85);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^agenttrace: cannot replay: the replay tape .* is malformed: patchedFiles path "main.mjs" is not absolute/);
  });
});
