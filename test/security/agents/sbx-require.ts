// Sandbox probe (TypeScript requiring CommonJS TypeScript): tsx compiles SBX_DIR/helper.cts on the main thread, with
// its require hook, after the SDK is installed (its esbuild service must keep working); then the CommonJS probe runs
// the attacks.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { helper } = require(path.join(process.env.SBX_DIR ?? '', 'helper.cts')) as { helper: () => string };
process.stderr.write(`${helper()}\n`);
require('./sbx-probe.cjs');
