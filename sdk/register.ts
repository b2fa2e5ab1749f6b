/**
 * `agenttrace/register`: the entry loaded into the agent with `node --import`. Reads its configuration from the
 * environment (set by `agenttrace record` / `agenttrace replay`, or by the user in environment-variable mode), then
 * installs every hook. AGENTTRACE_MODE=record records; AGENTTRACE_MODE=replay (any case) replays a tape
 * (sdk/replay/bootstrap.ts). Outside AgentTrace (no AGENTTRACE_MODE) it does nothing.
 */
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { Recorder, setActiveRecorder } from './core/recorder.js';
import { orig, sha256 } from './core/originals.js';
import { SecretSet, maskEnv, maskJson } from '../src/shared/trace/redact.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../src/shared/trace/types.js';
import { SDK_VERSION } from './core/version.js';
import { installNet } from './net/installNet.js';
import { installDeterminism } from './determinism/installDeterminism.js';
import { installFsRecording } from './fs/installFsRecording.js';
import { installConsole } from './console/installConsole.js';
import { installErrors } from './errors/installErrors.js';
import { installState } from './state/installState.js';
import { startReplay } from './replay/bootstrap.js';

/** Largest script source stored in the run metadata. */
const MAX_SOURCE = 512 * 1024;
/** Env vars kept in the run metadata (values of secret-named ones masked). */
const ENV_ALLOW = /^(NODE_ENV|TZ|LANG|LC_ALL|CI|[A-Z0-9_]*(_MODEL|_BASE_URL|_KEY|_TOKEN|_SECRET|PASSWORD)|AGENT_[A-Z0-9_]*)$/;

/** Run metadata shared by record and replay mode (replay sets mode and ids itself). */
function makeMeta(secrets: SecretSet, runId: string): RunMeta {
  const scriptPath = path.resolve(process.env.AGENTTRACE_SCRIPT || process.argv[1] || '');
  let source: string | undefined;
  let scriptSha256 = '';
  try {
    const buf = orig.readFileSync(scriptPath);
    scriptSha256 = sha256(buf);
    if (buf.byteLength <= MAX_SOURCE) source = secrets.maskText(buf.toString('utf8'));
  } catch {
    // A script that cannot be read (eval, stdin) has no source; recording still works.
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && ENV_ALLOW.test(k)) env[k] = v;

  return {
    id: runId,
    name: process.env.AGENTTRACE_NAME || undefined,
    scriptPath,
    scriptSha256,
    scriptSource: source,
    argv: maskJson(process.argv.slice(2), secrets),
    cwd: process.cwd(),
    env: maskEnv(env, secrets),
    nodeVersion: process.version,
    sdkVersion: SDK_VERSION,
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery: Math.max(1, Number(process.env.AGENTTRACE_KEYFRAME_EVERY) || 10),
    startedAt: orig.dateNow(),
    pid: process.pid,
  };
}

function startRecording(): void {
  const secrets = new SecretSet();
  secrets.addEnv(process.env);

  const home = process.env.AGENTTRACE_HOME || path.join(process.env.HOME || process.cwd(), '.agenttrace');
  const runId = process.env.AGENTTRACE_RUN_ID || orig.randomUUID();
  let journal = process.env.AGENTTRACE_JOURNAL;
  if (!journal) {
    const dir = path.join(home, 'journals');
    orig.mkdirSync(dir, { recursive: true });
    journal = path.join(dir, `${runId}.ndjson`);
  }

  const meta = makeMeta(secrets, runId);
  const rec = new Recorder({ journalPath: journal, meta, secrets });
  setActiveRecorder(rec);

  // Each installer guards itself: a failing hook reports once and the others still install.
  const installers: [string, (r: Recorder) => void][] = [
    ['console capture', installConsole],
    ['error capture', installErrors],
    ['state capture', installState],
    ['file capture', installFsRecording],
    ['network capture', installNet],
    ['determinism capture', (r) => installDeterminism(r)],
  ];
  for (const [name, install] of installers) {
    try {
      install(rec);
    } catch (e) {
      rec.fault(name, e);
    }
  }
}

function start(): void {
  const mode = (process.env.AGENTTRACE_MODE ?? '').trim().toLowerCase();
  if (mode === 'record') startRecording();
  else if (mode === 'replay') {
    startReplay({
      makeMeta: (secrets, id) => makeMeta(secrets, id),
      common: [
        ['console capture', installConsole],
        ['error capture', installErrors],
        ['state capture', installState],
      ],
      // The entry point ends the process for the replay: at a divergence (policy stop), at the requested step
      // (offline jump), or when the replay cannot start (fail closed).
      // eslint-disable-next-line no-restricted-properties -- this is the SDK's entry point
      exit: (code) => process.exit(code),
    });
  } else return;
  // Named ESM imports of builtins (`import { randomUUID } from 'node:crypto'`) see the patched functions only after this.
  syncBuiltinESMExports();
}

start();
