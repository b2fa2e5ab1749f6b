// The locals budget's arithmetic with clocks under the test's control: captures get the startup burst plus 1% of the
// wall time; the debugger's estimated cost is judged per window from the WARM_CALLS-th LLM call on.
import { describe, expect, it } from 'vitest';
import type { LocalsInspector } from '../core/inspector.js';
import { installDeterminismPatches } from '../determinism/installDeterminism.js';
import { RecordingSource } from '../determinism/valueSource.js';
import { testRecorder } from '../../test/helpers/testRecorder.js';
import { CaptureBudget, TAX_SHARE, WARM_CALLS, WINDOW_CALLS, WINDOW_MS } from './captureBudget.js';

function fakeInspector(): LocalsInspector & { detaches: number } {
  const f = {
    spentMs: 0,
    detaches: 0,
    isDetached: false,
    detach(): void {
      f.detaches++;
      f.isDetached = true;
    },
  };
  return f as unknown as LocalsInspector & { detaches: number };
}

describe('CaptureBudget', () => {
  it('allows captures within the burst plus 1% of the elapsed wall time, none once the debugger is off', () => {
    const insp = fakeInspector();
    let now = 0;
    const b = new CaptureBudget(insp, 0.01, 25, () => ({ active: 0, cpu: 0 }), () => now);
    insp.spentMs = 25;
    expect(b.allow()).toBe(true);
    insp.spentMs = 26;
    expect(b.allow()).toBe(false);
    now = 100;
    expect(b.allow()).toBe(true);
    insp.detach();
    expect(b.allow()).toBe(false);
    expect(new CaptureBudget(undefined).allow()).toBe(false);
  });

  it('turns the debugger off when its cost over a window (after the warm-up calls) exceeds 1% of that window', () => {
    const insp = fakeInspector();
    let now = 0;
    let busy = 0;
    let cpu = 0;
    const b = new CaptureBudget(insp, 0.01, 25, () => ({ active: busy, cpu: cpu }), () => now);
    // Warm-up: nothing is judged, however busy the thread.
    for (let calls = 0; calls < WARM_CALLS; calls++) {
      now += 1;
      busy += 1;
      cpu += 1;
      b.assess(calls);
    }
    b.assess(WARM_CALLS); // opens the first window
    // A window of an agent waiting on its model: busy 4 ms per 200 ms call (the debugger's share: 0.4%).
    for (let i = 1; i <= WINDOW_CALLS; i++) {
      now += 200;
      busy += 4;
      cpu += 4;
      b.assess(WARM_CALLS + i);
    }
    expect(insp.detaches).toBe(0);
    // The same agent on a loaded machine: its thread waits for a core while busy (event-loop time up, CPU time not).
    for (let i = 1; i <= WINDOW_CALLS; i++) {
      now += 200;
      busy += 40;
      cpu += 4;
      b.assess(WARM_CALLS + WINDOW_CALLS + i);
    }
    expect(insp.detaches).toBe(0);
    // Every call captured (a keyframe at each event): the pauses are busy time, but under their own budget, not tax.
    for (let i = 1; i <= WINDOW_CALLS; i++) {
      now += 200;
      busy += 40;
      cpu += 40;
      insp.spentMs += 36;
      b.assess(WARM_CALLS + 2 * WINDOW_CALLS + i);
    }
    expect(insp.detaches).toBe(0);
    // Too few calls or too little time since the window opened: not judged yet.
    now += WINDOW_MS - 1;
    busy += WINDOW_MS - 1;
    cpu += WINDOW_MS - 1;
    b.assess(WARM_CALLS + 4 * WINDOW_CALLS);
    expect(insp.detaches).toBe(0);
    // A full window of a tight loop: busy all the time, the debugger's share TAX_SHARE >> 1%.
    expect(TAX_SHARE).toBeGreaterThan(0.01);
    now += 1;
    busy += 1;
    cpu += 1;
    b.assess(WARM_CALLS + 4 * WINDOW_CALLS);
    expect(insp.detaches).toBe(1);
    expect(b.allow()).toBe(false);
  });
});

describe('CaptureBudget under the recording patches', () => {
  it("judges the debugger's cost without recording a value (Node reads process.hrtime for it)", () => {
    const { rec, cleanup } = testRecorder();
    const restore = installDeterminismPatches(new RecordingSource(rec), (where, e) => {
      throw new Error(`${where}: ${String(e)}`);
    });
    try {
      let now = 0;
      const b = new CaptureBudget(fakeInspector(), 0.01, 25, undefined, () => now);
      b.assess(WARM_CALLS);
      now += 2 * WINDOW_MS;
      b.assess(WARM_CALLS + WINDOW_CALLS);
      process.hrtime(); // the patch is live: this one is recorded
      expect(rec.cursors['process.hrtime']).toBe(1);
    } finally {
      restore();
      rec.end('ok', { code: 0 });
      cleanup();
    }
  });
});
