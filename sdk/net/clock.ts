/**
 * The network recorder's own clock: the original `performance.now`, captured when the SDK module loads (before any
 * determinism patch), so timing a call neither consumes nor pollutes the recorded time stream.
 */
export const now: () => number = performance.now.bind(performance);
