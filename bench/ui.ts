/**
 * Workbench benchmarks (issue 5), in real Chromium (launched as the e2e tests launch it, e2e/chromium.ts) against
 * `agenttrace ui --port 0` running as a child process on a temporary home prepared by the real CLI (bench/uiData.ts):
 * (a) opening a 100k-event trace until its timeline is rendered and fully loaded;
 * (b) opening a trace with 200 branches until its branch graph (201 nodes) is rendered and fitted.
 * Both are defined precisely in bench/uiMeasure.ts. The baseline of both is the same opening of a 30-event trace
 * with no branches (a 1-node graph), in the same browser session and the same rounds: each round opens the three
 * traces in turn, as new documents, after one warm-up round (bundle in the HTTP cache, JIT and SQLite pages warm).
 * Goal: < 1.5 s each. Figures are medians of ROUNDS openings (env ATR_BENCH_ROUNDS; the viewport is Playwright's
 * default 1280x720, as in the e2e tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../e2e/chromium.js';
import { REPO, startWorkbench, tempHome, type Workbench } from '../e2e/workbenchServer.js';
import { prepareUiData, type UiBenchData } from './uiData.js';
import { openRun, type Opening } from './uiMeasure.js';

const ROUNDS = Number(process.env.ATR_BENCH_ROUNDS ?? 5);
const RENDERER = path.join(REPO, 'out/renderer/index.html');

export interface UiFigure {
  medianMs: number;
  baselineMs: number;
  ratio: number;
  samples: number[];
  baselineSamples: number[];
}

export interface UiBench {
  data: UiBenchData;
  timeline: UiFigure;
  graph: UiFigure;
  /** Medians of the detail numbers of each trace's openings. */
  big: Opening;
  branched: Opening;
  tiny: Opening;
  /** Set when out/renderer is older than the renderer's sources: the figures are of an older build. */
  staleBuild?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The median of every numeric field (nested one level) of several openings. */
function medianOpening(os: Opening[]): Opening {
  const m = (f: (o: Opening) => number): number => median(os.map(f));
  const calls = (k: 'getEvents' | 'getRunTree') => ({
    calls: m((o) => o[k].calls),
    bytes: m((o) => o[k].bytes),
    lastEndMs: m((o) => o[k].lastEndMs),
    sumMs: m((o) => o[k].sumMs),
  });
  return {
    timelineMs: m((o) => o.timelineMs),
    graphMs: m((o) => o.graphMs),
    maxNodes: m((o) => o.maxNodes),
    allMountedMs: m((o) => o.allMountedMs),
    restNodes: m((o) => o.restNodes),
    firstRowsMs: m((o) => o.firstRowsMs),
    getEvents: calls('getEvents'),
    getRunTree: calls('getRunTree'),
    scriptMs: m((o) => o.scriptMs),
    layoutMs: m((o) => o.layoutMs),
    styleMs: m((o) => o.styleMs),
    domContentLoadedMs: m((o) => o.domContentLoadedMs),
  };
}

function newestMtime(dir: string): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name.endsWith('.test.ts')) continue;
    const file = path.join(e.parentPath, e.name);
    const mtime = fs.statSync(file).mtimeMs;
    if (mtime > best.mtime) best = { file, mtime };
  }
  return best;
}

/** `agenttrace ui` serves the built renderer: say so when the build is missing or older than its sources. */
function checkBuild(): string | undefined {
  if (!fs.existsSync(RENDERER)) throw new Error('out/renderer is not built: run `npx electron-vite build` (or `npm run build`) first');
  const built = fs.statSync(RENDERER).mtimeMs;
  const newest = [newestMtime(path.join(REPO, 'src/renderer/src')), newestMtime(path.join(REPO, 'src/shared'))].sort((a, b) => b.mtime - a.mtime)[0];
  return newest.mtime > built ? `${path.relative(REPO, newest.file)} is newer than out/renderer: run \`npx electron-vite build\`` : undefined;
}

function figure(samples: number[], baselineSamples: number[]): UiFigure {
  const medianMs = median(samples);
  const baselineMs = median(baselineSamples);
  return { medianMs, baselineMs, ratio: medianMs / baselineMs, samples, baselineSamples };
}

export async function benchUi(): Promise<UiBench> {
  const staleBuild = checkBuild();
  const home = tempHome();
  let wb: Workbench | undefined;
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const data = await prepareUiData(home);
    wb = await startWorkbench(home);
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } });
    await context.addInitScript({ path: path.join(REPO, 'bench/uiProbe.js') });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    const url = (id: string): string => `${wb?.url}#/run/${encodeURIComponent(id)}`;
    const count = (n: number): string => `${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'}`;
    const traces = [
      { key: 'tiny', id: data.tinyId, countText: count(data.tinyEvents) },
      { key: 'big', id: data.bigId, countText: count(data.bigEvents) },
      { key: 'branched', id: data.branchedId, countText: count(data.tinyEvents) },
    ] as const;
    const runs: Record<(typeof traces)[number]['key'], Opening[]> = { tiny: [], big: [], branched: [] };
    for (let round = 0; round <= ROUNDS; round++) {
      for (const t of traces) {
        const o = await openRun(page, cdp, url(t.id), t.countText);
        if (round > 0) runs[t.key].push(o);
      }
    }
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    await context.close();
    return {
      data,
      timeline: figure(
        runs.big.map((o) => o.timelineMs),
        runs.tiny.map((o) => o.timelineMs),
      ),
      graph: figure(
        runs.branched.map((o) => o.graphMs),
        runs.tiny.map((o) => o.graphMs),
      ),
      big: medianOpening(runs.big),
      branched: medianOpening(runs.branched),
      tiny: medianOpening(runs.tiny),
      staleBuild,
    };
  } finally {
    await browser.close();
    if (wb) await wb.stop();
    else fs.rmSync(home, { recursive: true, force: true });
  }
}
