/**
 * The replay sandbox's side doors: everything besides fs and outgoing connections through which a replayed agent
 * could touch the machine. Refused with a ReplaySandboxError naming the call (and listed in the verdict):
 * - always: child processes (child_process.*, ChildProcess#spawn), threads (worker_threads.Worker), native
 *   bindings and addons (process.binding, process._linkedBinding, process.dlopen), loader hooks (module.register:
 *   they run in a thread of their own, outside the sandbox), signals to other processes (process.kill of another
 *   pid). A child or a thread would run outside the sandbox, so even a live branch keeps
 *   them refused (its files are still sandboxed);
 * - while the replay is not live (like the socket kill switch): name resolution (dns and dns.promises, default and
 *   custom Resolvers: no packet leaves) and listening (net.Server#listen — so http, https, tls and http2 servers —,
 *   dgram bind/connect: no port is opened).
 * The SDK's own work (runInternal) and tsx's loader (its esbuild service, a worker thread started to compile a
 * TypeScript agent's modules) are exempt: only the agent's calls are refused.
 * Functions are patched in place on the module objects; the entry point's syncBuiltinESMExports() makes named ESM
 * imports see them.
 */
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import nodeModule from 'node:module';
import net from 'node:net';
import workerThreads from 'node:worker_threads';
import { isInternal } from '../core/internal.js';
import { Patcher, type AnyFn } from '../determinism/patcher.js';
import { ReplaySandboxError, noteRefused } from './containment.js';

const SPAWNS = ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'];
const RESOLVER = ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
const WHY_PROCESS = 'it could write to disk or reach the network outside the sandbox';
const WHY_NET = 'no packet may leave a replay';

/** Taken at load: refused callbacks are called back with the real timer function. */
const defer = globalThis.setImmediate;

export interface SideDoorHooks {
  /** True when the replay went live (dns and listening then pass, like connections). */
  isLive(): boolean;
}

/** Installs every refusal; returns the restore function (tests). */
export function installSideDoors(hooks: SideDoorHooks): () => void {
  const p = new Patcher();
  const refuse = (call: string, why: string): never => {
    noteRefused(call);
    throw new ReplaySandboxError(call, why);
  };
  /** Wraps `target[name]`: refused unless exempt (`offline`: only while the replay is not live). */
  const guard = (target: object, name: string, call: string, offline: boolean, async?: 'callback' | 'promise'): void => {
    p.wrap<AnyFn>(target, name, (original) => {
      return function (this: unknown, ...args: unknown[]): unknown {
        if (isInternal() || (offline && hooks.isLive()) || fromLoader()) return original.apply(this, args);
        if (async === undefined) return refuse(call, offline ? WHY_NET : WHY_PROCESS);
        noteRefused(call);
        const err = new ReplaySandboxError(call, WHY_NET);
        if (async === 'promise') return new Promise((_res, rej) => defer(rej, err));
        const cb = args.findLast((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
        if (!cb) throw err;
        defer(cb, err);
        return undefined;
      };
    });
  };

  for (const name of SPAWNS) guard(childProcess, name, `child_process.${name}`, false);
  guard(childProcess.ChildProcess.prototype, 'spawn', 'child_process.ChildProcess#spawn', false);
  const OrigWorker = workerThreads.Worker;
  class Worker extends OrigWorker {
    constructor(...args: ConstructorParameters<typeof OrigWorker>) {
      if (!isInternal() && !fromLoader()) refuse('worker_threads.Worker', WHY_PROCESS);
      super(...args);
    }
  }
  p.set(workerThreads, 'Worker', Worker);
  const proc = process as unknown as Record<string, AnyFn>;
  for (const name of ['binding', '_linkedBinding', 'dlopen']) guard(proc, name, `process.${name}`, false);
  // tsx registers its hooks before the SDK loads (its --import comes first): only later registrations are refused.
  guard(nodeModule, 'register', 'module.register', false);
  p.wrap<AnyFn>(proc, 'kill', (original) => {
    return function (this: unknown, ...args: unknown[]): unknown {
      if (isInternal() || Number(args[0]) === process.pid) return original.apply(this, args);
      return refuse('process.kill', 'it would signal a process outside the replay');
    };
  });

  // Name resolution: the callback APIs fail through their callback, the promise APIs reject (like a DNS failure).
  const dnsObj = dns as unknown as Record<string, AnyFn>;
  for (const name of ['lookup', 'lookupService', ...RESOLVER]) guard(dnsObj, name, `dns.${name}`, true, 'callback');
  for (const name of RESOLVER) guard(dns.Resolver.prototype, name, `dns.Resolver#${name}`, true, 'callback');
  const dnsPromises = dns.promises as unknown as Record<string, AnyFn>;
  for (const name of ['lookup', 'lookupService', ...RESOLVER]) guard(dnsPromises, name, `dns.promises.${name}`, true, 'promise');
  for (const name of RESOLVER) guard(dns.promises.Resolver.prototype, name, `dns.promises.Resolver#${name}`, true, 'promise');

  // Listening: every server (http, https, tls, http2) listens through net.Server#listen; UDP binds (send is blocked
  // by the kill switch, which runs before its implicit bind).
  guard(net.Server.prototype, 'listen', 'net.Server#listen', true);
  guard(dgram.Socket.prototype, 'bind', 'dgram.Socket#bind', true);
  guard(dgram.Socket.prototype, 'connect', 'dgram.Socket#connect', true);
  return () => p.restore();
}

/**
 * True when the call is tsx's loader starting its esbuild service (to compile a TypeScript module of the agent): the
 * caller is esbuild's own code, called by tsx's. Only that exact chain counts: an agent calling esbuild (or
 * child_process from a module tsx is loading) is refused. Read from structured call sites with our own
 * prepareStackTrace, so an agent cannot fake it with a custom one; if that cannot be set, the call is not exempt.
 */
function fromLoader(): boolean {
  const files = callerFiles();
  if (!files) return false;
  let i = 0;
  while (i < files.length && ESBUILD.test(files[i])) i++;
  return i > 0 && i < files.length && TSX.test(files[i]);
}

const ESBUILD = /[\\/]node_modules[\\/]esbuild[\\/]lib[\\/]/;
const TSX = /[\\/]node_modules[\\/]tsx[\\/]dist[\\/]/;

/** The file of each frame below the SDK's own (this module's) frames, innermost first; undefined if unreadable. */
function callerFiles(): string[] | undefined {
  const E = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const prevPrepare = E.prepareStackTrace;
  const prevLimit = E.stackTraceLimit;
  try {
    const mine = (_e: Error, sites: NodeJS.CallSite[]): string[] => sites.map((s) => s.getFileName() ?? '');
    E.prepareStackTrace = mine;
    if (E.prepareStackTrace !== mine) return undefined;
    E.stackTraceLimit = 64;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    const files = holder.stack;
    if (!Array.isArray(files) || typeof files[0] !== 'string') return undefined;
    const own = files[0];
    let i = 0;
    while (i < files.length && files[i] === own) i++;
    return (files as string[]).slice(i);
  } catch {
    return undefined;
  } finally {
    try {
      E.prepareStackTrace = prevPrepare;
      E.stackTraceLimit = prevLimit;
    } catch {
      // Left as the agent made it.
    }
  }
}
