/**
 * How much time locals capture may take: a burst at startup plus a small share of the run's wall time. A capture
 * pauses the agent for ~0.5-1 ms, so an agent calling tools in a tight loop is captured at a bounded rate instead of
 * being slowed by every call. `snapshot()` (an explicit request) is not budgeted.
 */
import type { LocalsInspector } from '../core/inspector.js';

const perfNow = performance.now.bind(performance);

export class CaptureBudget {
  private readonly start = perfNow();

  constructor(
    private readonly insp: LocalsInspector | undefined,
    /** Share of elapsed wall time that captures may use. */
    private readonly share = 0.03,
    /** Milliseconds always allowed (startup burst). */
    private readonly burstMs = 25,
  ) {}

  allow(): boolean {
    if (!this.insp) return false;
    return this.insp.spentMs <= this.burstMs + this.share * (perfNow() - this.start);
  }
}
