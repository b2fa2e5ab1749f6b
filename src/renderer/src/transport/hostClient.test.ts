// @vitest-environment happy-dom
/**
 * The browser transport's event socket: exponential backoff while the host is away (no retry storm), one socket
 * kept across screens that resubscribe at once, and no retries at all once the host refused the token.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectHost, retryDelay, RETRY_MAX_MS } from './hostClient';

/** A WebSocket that never connects: each instance closes on the next tick, as a refused connection does. */
class DeadSocket {
  static made = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    DeadSocket.made += 1;
    setTimeout(() => this.onclose?.(), 0);
  }
  close(): void {
    this.onclose?.();
  }
}

/** A WebSocket that connects and stays open until closed. */
class LiveSocket {
  static made = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    LiveSocket.made += 1;
    setTimeout(() => this.onopen?.(), 0);
  }
  close(): void {
    this.onclose?.();
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  DeadSocket.made = 0;
  window.history.replaceState(null, '', '/?token=abc');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('retryDelay', () => {
  it('doubles from one second up to the cap, with at most 20 % jitter', () => {
    expect([0, 1, 2, 3, 4].map((n) => retryDelay(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(retryDelay(10, () => 0.5)).toBe(RETRY_MAX_MS);
    expect(retryDelay(0, () => 0)).toBe(800);
    expect(retryDelay(0, () => 0.999999)).toBe(1200);
  });
});

describe('event socket', () => {
  it('retries a dead host a handful of times per minute, not every half second', async () => {
    vi.stubGlobal('WebSocket', DeadSocket);
    const host = connectHost();
    const off = host!.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(60_000);
    // 1 + attempts at ~1, 3, 7, 15, 31 s (±20 %): 6 or 7 sockets in a minute.
    expect(DeadSocket.made).toBeGreaterThanOrEqual(5);
    expect(DeadSocket.made).toBeLessThanOrEqual(7);
    expect(host!.connection.get()).toBe('reconnecting');
    off();
  });

  it('keeps one socket when the screens resubscribe right away', async () => {
    vi.stubGlobal('WebSocket', LiveSocket);
    LiveSocket.made = 0;
    const host = connectHost();
    const a = host!.subscribe(() => undefined);
    a();
    const b = host!.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(LiveSocket.made).toBe(1);
    b();
    // Nobody listening for a while: the socket is closed, and the next subscriber opens a new one.
    await vi.advanceTimersByTimeAsync(5_000);
    host!.subscribe(() => undefined)();
    expect(LiveSocket.made).toBe(2);
  });

  it('stops for good once the host refused the token', async () => {
    vi.stubGlobal('WebSocket', DeadSocket);
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ ok: false, error: { code: 'ATR_UNAUTHORIZED', message: 'missing or wrong token' } }), { status: 401 })));
    const host = connectHost();
    const off = host!.subscribe(() => undefined);
    await expect(host!.api.listRuns({})).rejects.toThrow(/wrong token/);
    expect(host!.connection.get()).toBe('unauthorized');
    const before = DeadSocket.made;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(DeadSocket.made).toBe(before);
    off();
  });
});
