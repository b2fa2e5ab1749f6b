/**
 * How much time locals capture may take: a burst at startup plus 1% of the run's wall time. A capture pauses the
 * agent for ~0.5-1.5 ms, so an agent calling tools or a fast model in a tight loop is captured at a bounded rate
 * instead of being slowed by every call; with a model answering in a second, every call still gets its locals.
 * Measured at 3%: the pauses at LLM calls alone made a 200-call run against a 20 ms server 2% longer than with
 * locals off. `snapshot()` (an explicit request) is not budgeted.
 */
import type { LocalsInspector } from '../core/inspector.js';

const perfNow = performance.now.bind(performance);

export class CaptureBudget {
  private readonly start = perfNow();

  constructor(
    private readonly insp: LocalsInspector | undefined,
    /** Share of elapsed wall time that captures may use. */
    private readonly share = 0.01,
    /** Milliseconds always allowed (startup burst). */
    private readonly burstMs = 25,
  ) {}

  allow(): boolean {
    if (!this.insp) return false;
    return this.insp.spentMs <= this.burstMs + this.share * (perfNow() - this.start);
  }
}
