#!/usr/bin/env node
// The `agenttrace` command: a thin launcher for the bundled CLI (built by `npm ci` / `npm run build:cli`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/main.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('agenttrace: the CLI is not built yet; run `npm run build:cli` in the agenttrace folder\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
