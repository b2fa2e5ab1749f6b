/**
 * TEST-ONLY preload for the network replay tests (sdk/net/replay*.test.ts): loads a tape, creates a Recorder for
 * the replay's journal, a minimal network-only ReplayControl, and installs the recording hooks plus network replay.
 * Loaded with `node --import tsx --import <this file>`. Unlike the real replay bootstrap (register.ts +
 * sdk/replay/controller.ts, which also replay values and files and compare every event's signature), it isolates
 * the network replay: only divergence reports, the policy and the live switch.
 * Env: AGENTTRACE_TAPE (tape JSON), AGENTTRACE_JOURNAL (replay journal to write).
 */
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { Recorder, setActiveRecorder } from '../../sdk/core/recorder.js';
import type { ReplayControl } from '../../sdk/replay/replayControl.js';
import { installNet } from '../../sdk/net/installNet.js';
import { installNetReplay } from '../../sdk/net/installNetReplay.js';
import { SecretSet } from '../../src/shared/trace/redact.js';
import { EXIT_DIVERGED, type DivergenceReport, type Tape } from '../../src/shared/trace/tape.js';
import { TRACE_FORMAT_VERSION } from '../../src/shared/trace/types.js';

class NetOnlyController implements ReplayControl {
  private live = false;
  private divergence: DivergenceReport | undefined;

  constructor(
    readonly tape: Tape,
    readonly rec: Recorder,
  ) {}

  isLive(): boolean {
    return this.live || (this.tape.untilSeq !== undefined && this.rec.steps > this.tape.untilSeq);
  }

  diverge(report: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void {
    if (this.divergence || this.live) return;
    const full: DivergenceReport = { ...report, seq: report.seq ?? this.rec.steps, policy: this.tape.onDivergence };
    this.divergence = full;
    this.rec.replayLine({ t: 'diverge', report: full });
    if (full.policy === 'live') {
      this.live = true;
      return;
    }
    process.exit(EXIT_DIVERGED);
  }

  matched(): number {
    return this.divergence ? this.divergence.seq : this.rec.steps;
  }
}

const tape = JSON.parse(readFileSync(process.env.AGENTTRACE_TAPE ?? '', 'utf8')) as Tape;
const secrets = new SecretSet();
secrets.addEnv(process.env);
const rec = new Recorder({
  journalPath: process.env.AGENTTRACE_JOURNAL ?? '',
  secrets,
  meta: {
    id: `${tape.runId}__replay`,
    scriptPath: process.argv[1] ?? '',
    scriptSha256: '',
    argv: [],
    cwd: process.cwd(),
    env: {},
    nodeVersion: process.version,
    sdkVersion: 'test',
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'replay',
    keyframeEvery: 10,
    startedAt: 0,
    pid: process.pid,
  },
});
setActiveRecorder(rec);
const ctl = new NetOnlyController(tape, rec);
installNet(rec);
installNetReplay(ctl);
process.on('exit', (code) => rec.end(code === EXIT_DIVERGED ? 'diverged' : code === 0 ? 'ok' : 'failed', { code }));
syncBuiltinESMExports();
