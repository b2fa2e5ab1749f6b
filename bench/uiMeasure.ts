/**
 * One measured opening of a run in the workbench (bench/ui.ts): a fresh document load of `#/run/<id>`, timed inside
 * the page. Times are the page's performance.now(), so 0 is the navigation start of that document (the request of
 * the page itself: server round trip, HTML, the JS bundle, React's first render, the contract calls, and rendering
 * all count). bench/uiProbe.js logs what the page shows in every animation frame in which the DOM changed.
 *
 * Definitions ("opened and rendered"):
 * - timeline: the first frame in which a timeline row (`.tl-row`, not a placeholder row) is laid out inside the
 *   window AND the event count (`.tl-count`) shows the run's full total, e.g. "100,003 events" (while pages are
 *   still loading it reads "… events …"): every event is loaded and the list is scrollable to its end.
 * - graph: the first frame showing the graph at rest: React Flow has mounted and measured every node (it mounts
 *   all of them once, hidden, to measure them; the fit waits for that), fitted the view (the viewport transform is
 *   the one it keeps: BranchGraph fits the whole tree, or with many runs the current run's neighbourhood) and the
 *   DOM holds exactly the nodes it keeps (with more than 60 runs BranchGraph sets onlyRenderVisibleElements, so
 *   after the fit only the nodes inside the pane stay mounted: "all 201 nodes in the DOM" is a transient state, the
 *   moment before measuring, reported separately as allMountedMs). "At rest" is the page's state after nothing
 *   changed for QUIET_MS; the time is the first frame already in that state.
 */
import type { CDPSession, Page, Request } from 'playwright-core';

const QUIET_MS = 1000;
const TIMEOUT_MS = 60_000;

interface Sample {
  t: number;
  rowsVisible: boolean;
  count: string;
  nodes: number;
  hidden: number;
  transform: string;
}

/** A contract call (POST /api/call {method, params}), times in ms from the page's navigation start. */
interface Call {
  method: string;
  startTime: number;
  responseEnd: number;
  size: number;
}

export interface CallStats {
  calls: number;
  bytes: number;
  /** responseEnd of the last call of that method before the condition held (ms from navigation start). */
  lastEndMs: number;
  /** Sum of request-to-response times (calls may overlap). */
  sumMs: number;
}

export interface Opening {
  /** ms from navigation start; NaN when the condition never held. */
  timelineMs: number;
  graphMs: number;
  /** `.react-flow__node` elements: the most at once (the first frame with that many: allMountedMs), and at rest. */
  maxNodes: number;
  allMountedMs: number;
  restNodes: number;
  /** The first frame with a timeline row visible (the count may still be partial). */
  firstRowsMs: number;
  getEvents: CallStats;
  getRunTree: CallStats;
  /** Main-thread work from Chromium's Performance domain over the whole opening (ms). */
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** The page's DOMContentLoaded (bundle parsed and run). */
  domContentLoadedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function perfMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

function callStats(calls: Call[], method: string, untilMs: number): CallStats {
  const mine = calls.filter((e) => e.method === method && e.responseEnd <= untilMs + 1);
  return {
    calls: mine.length,
    bytes: mine.reduce((a, e) => a + e.size, 0),
    lastEndMs: mine.reduce((a, e) => Math.max(a, e.responseEnd), 0),
    sumMs: mine.reduce((a, e) => a + (e.responseEnd - e.startTime), 0),
  };
}

/**
 * Opens `url` (a `#/run/<id>` address) as a new document and waits until the timeline shows `countText` and the
 * page has been quiet for QUIET_MS. A blank page first, as a hash change alone would not load a new document; a
 * same-origin one (the server's 404), so Chromium keeps the renderer process and its Performance counters.
 */
export async function openRun(page: Page, cdp: CDPSession, url: string, countText: string): Promise<Opening> {
  await page.goto(new URL('/__bench_blank', url).href);
  const before = await perfMetrics(cdp);
  // Contract calls as Playwright sees them (the page's resource timings do not say which method a POST called).
  const finished: Promise<Omit<Call, 'startTime' | 'responseEnd'> & { start: number; end: number }>[] = [];
  const onFinished = (r: Request): void => {
    if (!r.url().endsWith('/api/call')) return;
    finished.push(
      r.sizes().then((sz) => {
        const t = r.timing();
        return { method: String((r.postDataJSON() as { method?: string } | null)?.method), start: t.startTime, end: t.startTime + t.responseEnd, size: sz.responseBodySize };
      }),
    );
  };
  page.on('requestfinished', onFinished);
  await page.goto(url, { waitUntil: 'commit' });
  const started = Date.now();
  let log: Sample[] = [];
  let quietSince = Date.now();
  for (;;) {
    await sleep(100);
    const next = (await page.evaluate('window.__atrBench?.log ?? []')) as Sample[];
    if (next.length !== log.length) quietSince = Date.now();
    log = next;
    const done = log.some((s) => s.rowsVisible && s.count === countText) && log.some((s) => s.nodes > 0);
    if (done && Date.now() - quietSince >= QUIET_MS) break;
    if (Date.now() - started > TIMEOUT_MS) {
      throw new Error(`the run did not open within ${TIMEOUT_MS} ms (${url}); last state ${JSON.stringify(log[log.length - 1])}`);
    }
  }
  page.off('requestfinished', onFinished);
  const after = await perfMetrics(cdp);
  const timeOrigin = (await page.evaluate('performance.timeOrigin')) as number;
  const calls: Call[] = (await Promise.all(finished)).map((c) => ({ method: c.method, size: c.size, startTime: c.start - timeOrigin, responseEnd: c.end - timeOrigin }));
  const rest = log[log.length - 1];
  // ATR_BENCH_DEBUG=1: each opening's frame log on stderr, to see what the page showed when.
  if (process.env.ATR_BENCH_DEBUG) console.error(JSON.stringify(log.map((l) => ({ ...l, count: l.count.slice(0, 20) }))));
  const timeline = log.find((s) => s.rowsVisible && s.count === countText);
  const graph = log.find((s) => s.nodes === rest.nodes && s.hidden === 0 && s.transform === rest.transform);
  const timelineMs = timeline?.t ?? NaN;
  const maxNodes = Math.max(...log.map((s) => s.nodes));
  const graphMs = rest.hidden === 0 ? (graph?.t ?? NaN) : NaN;
  const dcl = (await page.evaluate("performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN")) as number;
  // The counters are the renderer process's: if Chromium started a new one for the page anyway, they are its alone.
  const swapped = (after.ScriptDuration ?? 0) < (before.ScriptDuration ?? 0);
  const delta = (k: string): number => ((after[k] ?? 0) - (swapped ? 0 : (before[k] ?? 0))) * 1000;
  return {
    timelineMs,
    graphMs,
    maxNodes,
    allMountedMs: log.find((s) => s.nodes === maxNodes)?.t ?? NaN,
    restNodes: rest.nodes,
    firstRowsMs: log.find((s) => s.rowsVisible)?.t ?? NaN,
    getEvents: callStats(calls, 'getEvents', timelineMs),
    getRunTree: callStats(calls, 'getRunTree', graphMs),
    scriptMs: delta('ScriptDuration'),
    layoutMs: delta('LayoutDuration'),
    styleMs: delta('RecalcStyleDuration'),
    domContentLoadedMs: dcl,
  };
}
