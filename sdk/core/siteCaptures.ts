/**
 * Which locals capture belongs to which moment. Error capture may only attach locals that were read at the failing
 * call site *on the failing pass*: a capture from an earlier loop iteration (or from a call the time budget skipped)
 * describes another moment and must never be shown as the state at the error.
 *
 * Every pause at a capture point (an own `throw` statement, an LLM client call) counts a hit for its call site, the
 * agent's innermost own frame (url + line), whether or not the budget allowed reading the locals. A capture is
 * stored with the hit number it was taken at; it is "current" only while no later hit of the same site went
 * uncaptured. Sites whose breakpoint was removed (hot throw sites) stop counting, so they are marked closed and
 * never match again.
 */
import type { CaptureResult } from './scopeReader.js';
import { orig } from './originals.js';

export type SiteKind = 'throw' | 'llm';

export interface SiteCapture {
  kind: SiteKind;
  /** Hit number of the site when captured (1-based). */
  hit: number;
  /** Global pause ordinal (all sites), to find the newest capture point. */
  order: number;
  at: number;
  capture: CaptureResult;
  /** Another LLM call was in flight when this one started: a failure cannot be told apart from the other's. */
  overlapped?: boolean;
}

interface Site {
  hits: number;
  closed: boolean;
  last?: SiteCapture;
}

const MAX_SITES = 4096;
const perfNow = orig.perfNow;

export class SiteCaptures {
  private readonly sites = new Map<string, Site>();
  private order = 0;
  /** The newest pause of any throw site: its key and global ordinal (a rethrow or a thrown non-Error match it). */
  private lastThrow: { key: string; order: number } | undefined;
  /** Captures taken at exception pauses (opt-in), by the thrown object itself. */
  private readonly byThrown = new WeakMap<object, SiteCapture>();
  /** LLM calls started at a breakpoint and not yet recorded as an `llm` event. */
  private llmInFlight = 0;
  private llmOverlap = false;

  static key(url: string, line: number): string {
    return `${url}:${line}`;
  }

  /** Counts a pause at a site; returns the hit number. */
  hit(kind: SiteKind, key: string): number {
    let site = this.sites.get(key);
    if (!site) {
      if (this.sites.size >= MAX_SITES) this.sites.clear();
      site = { hits: 0, closed: false };
      this.sites.set(key, site);
    }
    site.hits++;
    this.order++;
    if (kind === 'throw') this.lastThrow = { key, order: this.order };
    if (kind === 'llm') this.llmOverlap = this.llmInFlight++ > 0;
    return site.hits;
  }

  /** An LLM call ended (its `llm` event was recorded). */
  llmDone(): void {
    if (this.llmInFlight > 0) this.llmInFlight--;
  }

  /**
   * An LLM call ran without a pause (its breakpoint was not armed): no LLM-call capture can be told to be of the
   * latest pass through its site any more, so none matches a failure from now on.
   */
  llmUnobserved(): void {
    for (const site of this.sites.values()) if (site.last?.kind === 'llm') site.last = undefined;
  }

  /** Stores the locals read at a hit (the hit number returned by `hit`). */
  store(kind: SiteKind, key: string, hit: number, capture: CaptureResult): void {
    const site = this.sites.get(key);
    if (!site || site.hits !== hit) return;
    site.last = { kind, hit, order: this.order, at: perfNow(), capture };
    if (kind === 'llm' && this.llmOverlap) site.last.overlapped = true;
  }

  /** Locals read at the pause of an exception, keyed by the thrown object (first throw wins: that is where it arose). */
  storeThrown(thrown: object, capture: CaptureResult): void {
    if (!this.byThrown.has(thrown)) this.byThrown.set(thrown, { kind: 'throw', hit: 0, order: ++this.order, at: perfNow(), capture });
  }

  /** The capture taken when this very object was thrown, if any. */
  thrownCapture(thrown: unknown): SiteCapture | undefined {
    return typeof thrown === 'object' && thrown !== null ? this.byThrown.get(thrown) : undefined;
  }

  /** No site is observed any more (the debugger was turned off): nothing captured so far can be trusted. */
  forgetAll(): void {
    for (const site of this.sites.values()) {
      site.closed = true;
      site.last = undefined;
    }
    this.lastThrow = undefined;
  }

  /** The site stops being observed (its breakpoint is gone): nothing at it can be trusted any more. */
  close(key: string): void {
    const site = this.sites.get(key);
    if (site) {
      site.closed = true;
      site.last = undefined;
    }
  }

  /** The capture of the latest pass through `url:line`, if that pass was captured. */
  current(url: string, line: number): SiteCapture | undefined {
    const site = this.sites.get(SiteCaptures.key(url, line));
    if (!site || site.closed || !site.last || site.last.hit !== site.hits || site.last.overlapped) return undefined;
    return site.last;
  }

  /** The capture of the newest throw-statement pause of all, if it was captured and is still current. */
  newestThrow(): SiteCapture | undefined {
    if (!this.lastThrow) return undefined;
    const site = this.sites.get(this.lastThrow.key);
    if (!site || site.closed || !site.last || site.last.hit !== site.hits || site.last.order !== this.lastThrow.order) return undefined;
    return site.last;
  }
}
