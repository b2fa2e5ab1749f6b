// Sandbox probe (TypeScript requiring CommonJS TypeScript): tsx compiles the required .cts module on the main thread,
// after the SDK is installed (its esbuild service must keep working); then the CommonJS probe runs the attacks.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { helper } = require('./sbx-cjs-helper.cts') as { helper: () => string };
process.stderr.write(`${helper()}\n`);
require('./sbx-probe.cjs');
