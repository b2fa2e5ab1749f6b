/**
 * The kill switch in-process: TCP (net.connect, http.get), TLS (tls.connect) and UDP (dgram send) attempts fail with
 * the ATR_REPLAY_NETWORK error and are reported, while a listening server sees no connection; live passes through.
 */
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_NETWORK_CODE, ReplayNetworkError, connectTarget, installKillSwitch } from './killSwitch.js';

let server: net.Server;
let port = 0;
let accepted = 0;
beforeAll(async () => {
  server = net.createServer((s) => {
    accepted++;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function errorOf(emitter: { once(ev: 'error', fn: (e: Error) => void): unknown }): Promise<Error & { code?: string }> {
  return new Promise((resolve) => emitter.once('error', resolve));
}

describe('kill switch', () => {
  it('blocks net, tls, http and udp with a clear ATR_REPLAY_NETWORK error and reports each attempt', async () => {
    const reports: ReplayNetworkError[] = [];
    restore = installKillSwitch({ isLive: () => false, blocked: (e) => reports.push(e) });
    const before = accepted;

    const e1 = await errorOf(net.connect({ host: '127.0.0.1', port }));
    expect(e1.code).toBe(REPLAY_NETWORK_CODE);
    expect(e1.message).toBe(`AgentTrace replay: network access blocked (127.0.0.1:${port}) — this call was not recorded`);

    const e2 = await errorOf(tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }));
    expect(e2.code).toBe(REPLAY_NETWORK_CODE);

    const e3 = await errorOf(http.get(`http://127.0.0.1:${port}/x`));
    expect(e3.code).toBe(REPLAY_NETWORK_CODE);

    const udp = dgram.createSocket('udp4');
    const e4 = await new Promise<Error & { code?: string }>((r) => udp.send('x', port, '127.0.0.1', (e) => r(e as Error)));
    udp.close();
    expect(e4.code).toBe(REPLAY_NETWORK_CODE);
    expect(e4.message).toContain(`127.0.0.1:${port} (udp)`);

    await new Promise((r) => setTimeout(r, 50));
    expect(accepted).toBe(before);
    expect(reports.map((r) => r.target)).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port}`, `127.0.0.1:${port}`, `127.0.0.1:${port} (udp)`]);
  });

  it('lets connections through when live, and when the report switches the replay to live', async () => {
    let live = true;
    restore = installKillSwitch({ isLive: () => live, blocked: () => (live = true) });
    const before = accepted;
    await new Promise<void>((r, j) => net.connect({ host: '127.0.0.1', port }, r).on('error', j));
    live = false;
    await new Promise<void>((r, j) => net.connect({ host: '127.0.0.1', port }, r).on('error', j));
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted).toBe(before + 2);
  });

  it('names the target for every connect argument form', () => {
    expect(connectTarget([{ host: 'api.example.com', port: 443 }])).toBe('api.example.com:443');
    expect(connectTarget([[{ host: 'h', port: 1 }, null]])).toBe('h:1');
    expect(connectTarget([8080, 'h'])).toBe('h:8080');
    expect(connectTarget([8080])).toBe('localhost:8080');
    expect(connectTarget(['/tmp/sock'])).toBe('/tmp/sock');
    expect(connectTarget([{ path: '/run/x.sock' }])).toBe('/run/x.sock');
  });
});
