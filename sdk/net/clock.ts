/**
 * The network recorder's own clock: the original `performance.now` (core/originals.ts, captured before any
 * determinism patch), so timing a call neither consumes nor pollutes the recorded time stream.
 */
import { orig } from '../core/originals.js';

export const now: () => number = orig.perfNow;
