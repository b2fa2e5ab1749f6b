import { describe, expect, it } from 'vitest';
import type { LineageRun } from './runLineage.js';
import { lineageChain, timelineOrigins } from './timeAxis.js';

/** The sample trace's times: the branch forks after step 14 and its process started 1.3 s after the recording. */
const runs: LineageRun[] = [
  { id: 't', startedAt: 146_810 },
  { id: 't__rain', parentId: 't', forkSeq: 14, startedAt: 148_110 },
  { id: 't__rain__b', parentId: 't__rain', forkSeq: 18, startedAt: 150_000 },
];
const rows = [
  { seq: 13, ts: 147_051 },
  { seq: 14, ts: 147_051 },
  { seq: 15, ts: 148_321 },
  { seq: 16, ts: 148_323 },
  { seq: 18, ts: 148_330 },
  { seq: 19, ts: 150_400 },
  { seq: 20, ts: 150_410 },
];
const offsets = (runId: string, rs = rows): number[] => {
  const origin = timelineOrigins(runs, runId, rs, 0);
  return rs.map((r) => r.ts - origin(r.seq));
};

describe('timelineOrigins', () => {
  it("never goes back at a fork: a branch's own steps continue from the last inherited one, with their real spacing", () => {
    // Before: the branch's step 15 read +211ms after step 14's +241ms.
    expect(offsets('t__rain__b')).toEqual([241, 241, 241, 243, 250, 250, 260]);
    const o = offsets('t__rain__b');
    for (let i = 1; i < o.length; i++) expect(o[i]).toBeGreaterThanOrEqual(o[i - 1]);
  });

  it('a recorded run is timed from its own start; unknown trees use the fallback', () => {
    expect(offsets('t', rows.slice(0, 2))).toEqual([241, 241]);
    expect(timelineOrigins([], 'x', rows, 7)(3)).toBe(7);
  });

  it('a part with no loaded rows before it is timed from its own run start', () => {
    const own = rows.slice(2, 4);
    expect(offsets('t__rain', own)).toEqual([211, 213]);
  });

  it('lineageChain lists root first and stops at a missing ancestor', () => {
    expect(lineageChain(runs, 't__rain__b').map((r) => r.id)).toEqual(['t', 't__rain', 't__rain__b']);
    expect(lineageChain(runs.slice(1), 't__rain__b').map((r) => r.id)).toEqual(['t__rain', 't__rain__b']);
  });
});
