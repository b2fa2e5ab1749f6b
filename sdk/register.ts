/**
 * `agenttrace/register`: the entry loaded into the agent with `node --import`. Reads its configuration from the
 * environment (set by `agenttrace record` / `agenttrace replay`, or by the user in environment-variable mode), then
 * installs every hook. AGENTTRACE_MODE=record records; AGENTTRACE_MODE=replay (any case) replays a tape
 * (sdk/replay/bootstrap.ts). Outside AgentTrace (no AGENTTRACE_MODE) it does nothing.
 */
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { Recorder, setActiveRecorder } from './core/recorder.js';
import { orig, sha256 } from './core/originals.js';
import { SecretSet, maskArgv, maskEnv } from '../src/shared/trace/redact.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../src/shared/trace/types.js';
import { SDK_VERSION } from './core/version.js';
import { sdkEnv, sdkHome } from './core/sdkEnv.js';
import { readHandover } from './core/handover.js';
import { ENV, EXIT_NO_HOST } from '../src/shared/trace/envProtocol.js';
import { installNet } from './net/installNet.js';
import { installDeterminism } from './determinism/installDeterminism.js';
import { installFsRecording } from './fs/installFsRecording.js';
import { installConsole } from './console/installConsole.js';
import { installErrors } from './errors/installErrors.js';
import { installState } from './state/installState.js';

/** Largest script source stored in the run metadata. */
const MAX_SOURCE = 512 * 1024;
/** Env vars kept in the run metadata (values of secret-named ones masked). */
const ENV_ALLOW = /^(NODE_ENV|TZ|LANG|LC_ALL|CI|[A-Z0-9_]*(_MODEL|_BASE_URL|_KEY|_TOKEN|_SECRET|PASSWORD)|AGENT_[A-Z0-9_]*)$/;

/** Run metadata shared by record and replay mode (replay sets mode and ids itself). */
function makeMeta(secrets: SecretSet, runId: string): RunMeta {
  const env = sdkEnv();
  // Credentials passed as flags (`--api-key=…`, `--token …`) are masked wherever the agent later echoes them.
  secrets.learnArgv(process.argv.slice(2));
  const scriptPath = path.resolve(env.script || process.argv[1] || '');
  let source: string | undefined;
  let scriptSha256 = '';
  try {
    const buf = orig.readFileSync(scriptPath);
    scriptSha256 = sha256(buf);
    if (buf.byteLength <= MAX_SOURCE) source = secrets.maskText(buf.toString('utf8'));
  } catch {
    // A script that cannot be read (eval, stdin) has no source; recording still works.
  }
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && ENV_ALLOW.test(k)) kept[k] = v;

  return {
    id: runId,
    name: env.name,
    scriptPath,
    scriptSha256,
    scriptSource: source,
    argv: maskArgv(process.argv.slice(2), secrets),
    cwd: process.cwd(),
    env: maskEnv(kept, secrets),
    nodeVersion: process.version,
    sdkVersion: SDK_VERSION,
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery: env.keyframeEvery,
    startedAt: orig.dateNow(),
    pid: process.pid,
  };
}

/** Installs the recording hooks; returns the journal's path. */
function startRecording(): string {
  const secrets = new SecretSet();
  secrets.addEnv(process.env);

  const env = sdkEnv();
  const runId = env.runId || orig.randomUUID();
  let journal = env.journal;
  if (!journal) {
    const dir = path.join(sdkHome(env), 'journals');
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
  return journal;
}

/**
 * Waits for the host's `go` (ENV.hostReady): the SDK's setup above ran while the host loaded its store. A host that
 * gave up never lets the agent's code run, and the journal goes: nothing of this run happened. A descriptor that
 * cannot be read is not a host's answer: recording goes on (the host tails the journal whenever it writes).
 */
function waitForHost(file: string, journal: string): void {
  // Worker threads share this environment: only the main thread holds the descriptor, and only once.
  delete process.env[ENV.hostReady];
  let answer: string;
  try {
    answer = readHandover(file);
  } catch {
    return;
  }
  if (answer === 'go') return;
  try {
    orig.unlinkSync(journal);
  } catch {
    // Not written yet: nothing to remove.
  }
  // eslint-disable-next-line no-restricted-properties -- this is the SDK's entry point
  process.exit(EXIT_NO_HOST);
}

async function start(): Promise<void> {
  const { mode, hostReady } = sdkEnv();
  let journal: string | undefined;
  if (mode === 'record') journal = startRecording();
  else if (mode === 'replay') {
    // Loaded only for a replay: a recording does not pay for the sandbox, the tape and the kill switch.
    const { startReplay } = await import('./replay/bootstrap.js');
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
      // eslint-disable-next-line no-restricted-properties -- this is the SDK's entry point
      exitNow: () => process.exit(),
    });
  } else return;
  // Named ESM imports of builtins (`import { randomUUID } from 'node:crypto'`) see the patched functions only after this.
  syncBuiltinESMExports();
  if (journal && hostReady && isMainThread) waitForHost(hostReady, journal);
}

await start();
