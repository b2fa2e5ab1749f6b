// Builds the CLI and the SDK entry points into dist/ with esbuild (run by `npm ci` through `prepare`).
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

// Files are overwritten in place, never deleted first: tests running meanwhile keep a complete dist/.
const CHUNK_DIRS = ['dist/cli/chunks', 'dist/sdk/chunks'];
/** A chunk of an earlier build is removed once no process started before this rebuild can still be loading it. */
const STALE_CHUNK_MS = 10 * 60 * 1000;

const [cli, sdk] = await Promise.all([
  // Split: what only some commands use (OpenTelemetry, the AutoFix pipeline, the UI server) lives in chunks loaded
  // on first use, so `agenttrace record` does not pay their import time.
  build({ ...common, format: 'esm', splitting: true, metafile: true, entryPoints: { 'cli/main': 'src/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' }, chunkNames: 'cli/chunks/[name]-[hash]' }),
  // Split: what only a replay uses (sandbox, tape, kill switch) loads only in replay mode.
  build({ ...common, format: 'esm', splitting: true, metafile: true, entryPoints: { 'sdk/register': 'sdk/register.ts', 'sdk/index': 'sdk/index.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' }, chunkNames: 'sdk/chunks/[name]-[hash]' }),
  build({ ...common, format: 'cjs', entryPoints: { 'sdk/index': 'sdk/index.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' } }),
]);

// Chunk names carry a content hash, so a rebuild leaves the previous build's chunks behind.
const current = new Set([cli, sdk].flatMap((b) => Object.keys(b.metafile.outputs)).map((f) => path.resolve(f)));
for (const dir of CHUNK_DIRS) {
  for (const name of fs.readdirSync(dir)) {
    const file = path.resolve(dir, name);
    if (!current.has(file) && Date.now() - fs.statSync(file).mtimeMs > STALE_CHUNK_MS) fs.rmSync(file, { force: true });
  }
}
