/**
 * The layer table of eslint.config.mjs, checked through ESLint's Node API on real files: for every layer a probe file
 * with one forbidden import must be refused and a probe with an allowed import must pass. A new arrow (or a row
 * loosened by mistake) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Probe {
  /** Folder (from the repo root) the probe file is written into. */
  dir: string;
  spec: string;
  /** A *.test.ts probe instead of a source file. */
  test?: boolean;
  ext?: string;
}

const forbidden: Probe[] = [
  { dir: 'src/shared', spec: 'node:fs' },
  { dir: 'src/shared', spec: '../engine/errors.js' },
  { dir: 'src/shared/model', spec: 'path' },
  { dir: 'sdk', spec: '../src/shared/rpc/contract.js' },
  { dir: 'sdk/replay', spec: '../../test/helpers/journal.js' },
  { dir: 'sdk', spec: '../src/engine/errors.js' },
  { dir: 'sdk', spec: '../src/shared/model/runLineage.js' },
  { dir: 'src/engine', spec: '../server/uiServer.js' },
  { dir: 'src/engine/api', spec: '../../cli/main.js' },
  { dir: 'src/engine', spec: 'electron' },
  { dir: 'src/engine/api', spec: 'better-sqlite3' },
  { dir: 'src/engine/api', spec: '../../../test/mock/llmServer.js' },
  { dir: 'src/engine/api', spec: '../../../sdk/index.js' },
  { dir: 'src/server', spec: '../cli/main.js' },
  { dir: 'src/cli', spec: '../../sdk/index.js' },
  { dir: 'src/cli', spec: '../main/index.js' },
  { dir: 'src/main', spec: '../renderer/src/App.js' },
  { dir: 'src/preload', spec: '../engine/errors.js' },
  { dir: 'src/preload', spec: 'node:fs' },
  { dir: 'src/preload', spec: 'fs' },
  { dir: 'src/renderer/src', spec: '../../engine/errors.js' },
  { dir: 'src/renderer/src', spec: 'node:path' },
  { dir: 'src/renderer/src', spec: 'electron' },
  { dir: 'test/helpers', spec: '../../src/renderer/src/App.js' },
  { dir: 'e2e', spec: '../src/main/index.js' },
  { dir: 'bench', spec: '../src/server/uiServer.js' },
  { dir: 'scripts', spec: '../src/engine/errors.js', ext: '.mjs' },
  { dir: 'src/engine/api', spec: 'vitest' },
  { dir: 'sdk/net', spec: '@opentelemetry/api' },
  { dir: 'src/engine/api', spec: '@opentelemetry/otlp-transformer' },
];

const allowed: Probe[] = [
  { dir: 'src/shared/model', spec: '../trace/types.js' },
  { dir: 'sdk/core', spec: '../../src/shared/trace/types.js' },
  { dir: 'sdk/core', spec: 'node:fs' },
  { dir: 'sdk/net', spec: '../../src/shared/errors.js' },
  { dir: 'src/engine/api', spec: '../../shared/rpc/contract.js' },
  { dir: 'src/engine/store', spec: 'better-sqlite3' },
  { dir: 'src/engine/otel', spec: '@opentelemetry/otlp-transformer' },
  { dir: 'src/engine/api', spec: '../../../test/mock/llmServer.js', test: true },
  { dir: 'sdk/replay', spec: '../../test/helpers/replayHarness.js', test: true },
  { dir: 'src/server', spec: '../engine/api/dispatcher.js' },
  { dir: 'src/cli', spec: '../server/uiServer.js' },
  { dir: 'src/main', spec: 'electron' },
  { dir: 'src/preload', spec: 'electron' },
  { dir: 'src/renderer/src', spec: '../../shared/rpc/contract.js' },
  { dir: 'test/cli', spec: '../../src/cli/main.js' },
  { dir: 'e2e', spec: '../test/mock/llmServer.js' },
  { dir: 'bench', spec: '../sdk/index.js' },
];

const written: string[] = [];
let counter = 0;

/** Writes a probe file beside real code (so the config's file globs apply) and returns its path. */
function writeProbe(p: Probe): string {
  const ext = p.ext ?? '.ts';
  const file = path.join(REPO, p.dir, `layerProbe${process.pid}x${counter++}${p.test ? '.test' : ''}${ext}`);
  fs.writeFileSync(file, `import * as probe from '${p.spec}';\nexport const probed = probe;\n`);
  written.push(file);
  return file;
}

// Only the layer rule runs, without type information: the probes are not part of a tsconfig program.
const eslint = new ESLint({
  cwd: REPO,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function layerErrors(p: Probe): Promise<string[]> {
  const [result] = await eslint.lintFiles([writeProbe(p)]);
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

afterAll(() => {
  for (const f of written) fs.rmSync(f, { force: true });
});

describe('layer table (eslint.config.mjs)', () => {
  it.each(forbidden.map((p) => [`${p.dir}${p.test ? ' (test)' : ''} -> ${p.spec}`, p] as const))('refuses %s', async (_name, p) => {
    const errors = await layerErrors(p);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: .*layer table in eslint\.config\.mjs/);
  });

  it.each(allowed.map((p) => [`${p.dir}${p.test ? ' (test)' : ''} -> ${p.spec}`, p] as const))('allows %s', async (_name, p) => {
    expect(await layerErrors(p)).toEqual([]);
  });
});
