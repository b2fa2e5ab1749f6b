/**
 * How much time locals capture may take: a burst at startup plus 1% of the run's wall time. A capture pauses the
 * agent for ~0.5-1.5 ms, so an agent calling tools or a fast model in a tight loop is captured at a bounded rate
 * instead of being slowed by every call; with a model answering in a second, every call still gets its locals.
 * Measured at 3%: the pauses at LLM calls alone made a 200-call run against a 20 ms server 2% longer than with
 * locals off. `snapshot()` (an explicit request) is not budgeted.
 *
 * The debugger being on costs more than its pauses: while it is, V8 runs every promise on its slow path. The openai
 * client's calls took ~20% more CPU with nothing but `Debugger.enable` (1.16 -> 1.38 ms per call, 300 and 1,500 calls
 * against a local server, 4 rounds). That cost, estimated as TAX_SHARE of the main thread's busy time (busySince)
 * outside capture pauses, may take 1% of the wall time too, judged over windows of at least WINDOW_CALLS LLM calls
 * and WINDOW_MS from the WARM_CALLS-th call on (the first calls run cold code): a window over it turns the debugger
 * off for the rest of the run (LocalsInspector.detach).
 * An agent waiting on its model (a few ms of work per call) keeps the debugger and every call's locals for the whole
 * run; a loop whose model answers within milliseconds keeps the captures of its first calls, then runs at the speed
 * of locals off.
 */
import { performance as nodePerformance } from 'node:perf_hooks';
import type { LocalsInspector } from '../core/inspector.js';
import { runInternalSync } from '../core/internal.js';
import { orig } from '../core/originals.js';

const perfNow = orig.perfNow;

/** The debugger's cost as a share of the main thread's busy time while it is on (see above). */
export const TAX_SHARE = 0.2;
/** Calls before the debugger's cost is judged, then the least span of a window: LLM calls and wall time (ms). */
export const WARM_CALLS = 20;
export const WINDOW_CALLS = 5;
export const WINDOW_MS = 25;

/** Milliseconds the main thread has been busy (not waiting in the event loop) so far: see busySince. */
export interface BusyClock {
  /** Event-loop active time: wall time, so it also counts time the thread waited for a core on a loaded machine. */
  active: number;
  /** CPU time of the whole process: it also counts background compilation and GC threads. */
  cpu: number;
}

/** Internal work: Node reads `process.hrtime` for the loop's times, which must not reach the agent's values. */
function busyNow(): BusyClock {
  const active = runInternalSync(() => nodePerformance.eventLoopUtilization().active);
  const u = process.cpuUsage();
  return { active, cpu: (u.user + u.system) / 1000 };
}

/** The main thread's work since `from`: the smaller of the two measures, each too high in its own way. */
function busySince(from: BusyClock, to: BusyClock): number {
  return Math.min(to.active - from.active, to.cpu - from.cpu);
}

interface Window {
  wall: number;
  busy: BusyClock;
  calls: number;
  /** The inspector's spentMs when the window opened. */
  spent: number;
}

export class CaptureBudget {
  private readonly start: number;
  private window: Window | undefined;

  constructor(
    private readonly insp: LocalsInspector | undefined,
    /** Share of elapsed wall time that captures (and, separately, the debugger) may use. */
    private readonly share = 0.01,
    /** Milliseconds always allowed (startup burst). */
    private readonly burstMs = 25,
    /** The main thread's busy clocks (a parameter for tests). */
    private readonly busy: () => BusyClock = busyNow,
    private readonly now: () => number = perfNow,
  ) {
    this.start = now();
  }

  /** May a capture pause the agent now? */
  allow(): boolean {
    const insp = this.insp;
    if (!insp || insp.isDetached) return false;
    return insp.spentMs <= this.burstMs + this.share * (this.now() - this.start);
  }

  /**
   * Judges the debugger's cost once a window is complete (see above); `llmCalls`: LLM calls recorded so far. Called
   * after every event: between windows it costs a comparison or a clock read.
   */
  assess(llmCalls: number): void {
    const insp = this.insp;
    if (!insp || insp.isDetached || llmCalls < WARM_CALLS) return;
    const w = this.window;
    if (w && llmCalls - w.calls < WINDOW_CALLS) return;
    const now = this.now();
    if (w && now - w.wall < WINDOW_MS) return;
    const busy = this.busy();
    // The tax falls on the agent's own work: the pauses of captures (and explicit snapshots) are busy time too, but
    // they are what spentMs counts, under their own budget. Counted here as well, an agent whose every call is
    // captured (keyframes at each event) would lose its debugger for the cost of its captures.
    if (w && TAX_SHARE * (busySince(w.busy, busy) - (insp.spentMs - w.spent)) > this.share * (now - w.wall)) {
      insp.detach();
      return;
    }
    this.window = { wall: now, busy, calls: llmCalls, spent: insp.spentMs };
  }
}
