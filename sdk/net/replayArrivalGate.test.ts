import { describe, expect, it } from 'vitest';
import { ArrivalGate, type GateCall } from './arrivalGate.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A deliverer: asks for each of its events' turns in order and logs `seq.index` when granted. */
async function deliverAll(gate: ArrivalGate, seq: number, events: number, log: string[], onEvent?: (i: number) => void): Promise<void> {
  for (let i = 0; i < events; i++) {
    await gate.turn(seq, i);
    log.push(`${seq}.${i}`);
    onEvent?.(i);
  }
  gate.done(seq);
}

const call = (seq: number, issuedMs: number | undefined, arrival = 0): GateCall => ({ seq, issuedMs, arrival });

describe('ArrivalGate (timeline)', () => {
  it('delivers the events of concurrent calls in recorded time order, whatever order they ask in', async () => {
    const gate = new ArrivalGate([call(0, 1000), call(1, 1000), call(2, 1001)], { safetyMs: 5000 });
    expect(gate.timeline).toBe(true);
    gate.issue(0, [10, 12]);
    gate.issue(1, [2, 3]);
    gate.issue(2, [5, 50]);
    const log: string[] = [];
    await Promise.all([deliverAll(gate, 0, 2, log), deliverAll(gate, 1, 2, log), deliverAll(gate, 2, 2, log)]);
    expect(log).toEqual(['1.0', '1.1', '2.0', '0.0', '0.1', '2.1']);
    expect(gate.snapshot()).toEqual({ 0: 'done', 1: 'done', 2: 'done' });
  });

  it('puts a macrotask between two events: the agent’s reaction to one runs before the next', async () => {
    const gate = new ArrivalGate([call(0, 0), call(1, 0)], { safetyMs: 5000 });
    gate.issue(0, [1]);
    gate.issue(1, [2]);
    const log: string[] = [];
    const react = (): void => void Promise.resolve().then(() => Promise.resolve().then(() => log.push('reaction to 0')));
    await Promise.all([deliverAll(gate, 0, 1, log, react), deliverAll(gate, 1, 1, log)]);
    expect(log).toEqual(['0.0', 'reaction to 0', '1.0']);
  });

  it('waits for a call the recording issued earlier, issued late by the replay (in reaction to an event)', async () => {
    // Call 1 was issued 5 ms after call 0 (after 0's head) and completed before 0's completion.
    const gate = new ArrivalGate([call(0, 100), call(1, 105)], { safetyMs: 5000 });
    gate.issue(0, [1, 50]);
    const log: string[] = [];
    const first = deliverAll(gate, 0, 2, log, (i) => {
      if (i === 0) {
        setTimeout(() => {
          gate.issue(1, [2, 3]);
          void deliverAll(gate, 1, 2, log);
        }, 20);
      }
    });
    await first;
    await sleep(5);
    expect(log).toEqual(['0.0', '1.0', '1.1', '0.1']);
  });

  it('never deadlocks: a call that is never issued blocks one event for the safety timeout, then is abandoned', async () => {
    const gate = new ArrivalGate([call(0, 100), call(1, 101), call(2, 102)], { safetyMs: 60 });
    gate.issue(2, [1, 2]);
    const t0 = Date.now();
    const log: string[] = [];
    await deliverAll(gate, 2, 2, log);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(55);
    expect(waited).toBeLessThan(200);
    expect(gate.snapshot()).toEqual({ 0: 'abandoned', 1: 'abandoned', 2: 'done' });
  });

  it('a held call (backpressure) does not hold back the others', async () => {
    const gate = new ArrivalGate([call(0, 0), call(1, 0)], { safetyMs: 5000 });
    gate.issue(0, [1, 2]);
    gate.issue(1, [5]);
    gate.hold(0, true);
    const log: string[] = [];
    await deliverAll(gate, 1, 1, log);
    gate.hold(0, false);
    await deliverAll(gate, 0, 2, log);
    expect(log).toEqual(['1.0', '0.0', '0.1']);
  });

  it('grants at once when live, and to calls it does not know', async () => {
    let live = false;
    const gate = new ArrivalGate([call(0, 0), call(1, 10)], { safetyMs: 5000, isLive: () => live });
    gate.issue(1, [1]);
    const t0 = Date.now();
    await gate.turn(7, 0);
    live = true;
    await gate.turn(1, 0);
    expect(Date.now() - t0).toBeLessThan(100);
  });
});

describe('ArrivalGate (tapes without issue times)', () => {
  it('lets heads and pieces through and orders completions by recorded arrival rank', async () => {
    const gate = new ArrivalGate([call(0, undefined, 2), call(1, undefined, 0), call(2, undefined, 1)], { safetyMs: 5000 });
    expect(gate.timeline).toBe(false);
    gate.issue(0, [1, 9]);
    gate.issue(1, [1, 9]);
    gate.issue(2, [1, 9]);
    const log: string[] = [];
    await Promise.all([deliverAll(gate, 0, 2, log), deliverAll(gate, 1, 2, log), deliverAll(gate, 2, 2, log)]);
    expect(log.filter((e) => e.endsWith('.1'))).toEqual(['1.1', '2.1', '0.1']);
    expect(log.slice(0, 3).sort()).toEqual(['0.0', '1.0', '2.0']);
  });
});
