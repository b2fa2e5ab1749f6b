/**
 * Fail closed: during a replay nothing may reach the network, whatever client the agent uses. Every TCP, TLS and
 * IPC connection in Node goes through `net.Socket.prototype.connect` (net.connect, http/https agents, tls.connect,
 * undici's connector, http2), and every UDP datagram through `dgram.Socket.prototype.send`; both are patched. While
 * the replay is not live, a connection attempt is reported as a divergence (`network-blocked`) and fails like a
 * refused connection, asynchronously through the socket's own error path, with a clear ATR_REPLAY_NETWORK error.
 * When the controller switches to live (resume, or policy `live` after a divergence), connections pass through.
 * Name resolution (dns.lookup) is not patched: Node only resolves inside connect, which is blocked before it.
 */
import net from 'node:net';
import dgram from 'node:dgram';
import { ATR } from '../../src/shared/errors.js';

export const REPLAY_NETWORK_CODE = ATR.REPLAY_NETWORK;

/** The error a blocked connection (or an unrecorded call that cannot go live) fails with. */
export class ReplayNetworkError extends Error {
  readonly code = REPLAY_NETWORK_CODE;
  /** One line telling the user what to do. */
  readonly help = 'record the run again with this call, or replay with --on-divergence live to let it reach the network';

  constructor(readonly target: string) {
    super(`AgentTrace replay: network access blocked (${target}) — this call was not recorded`);
    this.name = 'ReplayNetworkError';
  }
}

export interface KillSwitchHooks {
  /** True when connections may go to the real network. */
  isLive(): boolean;
  /** A blocked attempt (may switch the replay to live, or end the process under policy `stop`). */
  blocked(err: ReplayNetworkError): void;
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
type Send = (this: dgram.Socket, ...args: unknown[]) => void;

/** Installs the kill switch; returns a function restoring the original methods (tests). */
export function installKillSwitch(hooks: KillSwitchHooks): () => void {
  const proto = net.Socket.prototype as unknown as { connect: Connect };
  const origConnect = proto.connect;
  proto.connect = function connect(this: net.Socket, ...args: unknown[]): net.Socket {
    if (hooks.isLive()) return origConnect.apply(this, args);
    const err = new ReplayNetworkError(connectTarget(args));
    report(hooks, err);
    // Policy `live` switched the replay to live: this connection is the first one allowed through.
    if (hooks.isLive()) return origConnect.apply(this, args);
    // Like a refused connection: the caller gets the socket back and the error arrives on the next tick.
    process.nextTick(() => this.destroy(err));
    return this;
  };

  const dproto = dgram.Socket.prototype as unknown as { send: Send };
  const origSend = dproto.send;
  dproto.send = function send(this: dgram.Socket, ...args: unknown[]): void {
    if (hooks.isLive()) return origSend.apply(this, args);
    const err = new ReplayNetworkError(sendTarget(args));
    report(hooks, err);
    if (hooks.isLive()) return origSend.apply(this, args);
    const cb = args.findLast((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
    process.nextTick(() => (cb ? cb(err) : this.emit('error', err)));
  };

  return () => {
    proto.connect = origConnect;
    dproto.send = origSend;
  };
}

function report(hooks: KillSwitchHooks, err: ReplayNetworkError): void {
  try {
    hooks.blocked(err);
  } catch {
    // Reporting must never turn into an exception inside the agent's connect call.
  }
}

/** `host:port` or the IPC path, from any of connect's argument forms (including Node's normalized array). */
export function connectTarget(args: unknown[]): string {
  const a = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = a[0];
  if (first && typeof first === 'object') {
    const o = first as { host?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string' && o.path) return o.path;
    return `${String(o.host ?? o.hostname ?? 'localhost')}:${String(o.port ?? '')}`;
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return first;
  return `${typeof a[1] === 'string' ? a[1] : 'localhost'}:${String(first)}`;
}

/** `address:port` of a datagram: send(msg, [offset, length,] port, address, cb) or a connected socket. */
function sendTarget(args: unknown[]): string {
  const rest = args.slice(1).filter((x) => typeof x !== 'function');
  const nums = rest.filter((x) => typeof x === 'number') as number[];
  const address = rest.find((x) => typeof x === 'string');
  const port = nums.length >= 3 ? nums[2] : nums.length === 1 ? nums[0] : undefined;
  return `${typeof address === 'string' ? address : 'connected peer'}${port !== undefined ? `:${port}` : ''} (udp)`;
}
