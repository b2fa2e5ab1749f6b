/**
 * File sandbox (replay mode): the record-mode patch points with the sandbox behind them, plus the read-side patches.
 * Writes go to a memfs volume and are still recorded as `fs` events (same shape as when recording, so the replay's
 * event signature matches); reads see the volume first, then the disk; nothing on the disk changes.
 * memfs is loaded only by replays that write a file (50-250 ms of startup), on their first write; never in record mode.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Recorder } from '../core/recorder.js';
import { sdkEnv, sdkHome } from '../core/sdkEnv.js';
import { runInternal, runInternalSync } from '../core/internal.js';
import { Patcher, type AnyFn } from '../determinism/patcher.js';
import { FsRecorder } from './fsRecorder.js';
import { installFsPatches } from './patchFs.js';
import { SandboxHooks } from './sandboxHooks.js';
import { Overlay, takeRealFs, type Vol } from './sandboxOverlay.js';
import { installSandboxReads } from './sandboxReads.js';
import { sealHandleMeta } from './sandboxMeta.js';

/**
 * FileHandle methods of memfs that settle later: they run internal (memfs stamps atime/mtime with `new Date()`).
 * Stream factories are left alone: their events must reach the agent's listeners outside the internal context.
 */
const HANDLE_INTERNAL = ['appendFile', 'chmod', 'chown', 'close', 'datasync', 'read', 'readv', 'readFile', 'stat', 'sync', 'truncate', 'utimes', 'write', 'writev', 'writeFile'];

export interface FsSandbox {
  overlay: Overlay;
  restore: () => void;
}

/**
 * Installs the replay-mode fs hooks. `recordedDirs` (tape.mkdirs) lets mkdtemp reuse the recorded names;
 * `patchedFiles` (tape.patchedFiles) are placed in the overlay first, so reads of them (the agent's own, `require`,
 * tsx's CommonJS hook) see the patched text. Throws when memfs cannot be found: the caller must fail closed.
 */
export function installFsSandbox(rec: Recorder, recordedDirs: readonly string[] = [], patchedFiles: Record<string, string> = {}): FsSandbox {
  const env = sdkEnv();
  const home = sdkHome(env);
  const journal = env.journal ? path.resolve(env.journal) : undefined;

  const req = createRequire(import.meta.url);
  // Resolved now, loaded on the first write: a replay without memfs fails closed here, before any agent code runs.
  const memfsPath = req.resolve('memfs');
  const p = new Patcher();
  let memfsProto: object | undefined;
  // Synchronous work, marked internal while it runs (no AsyncLocalStorage: see sandboxReads.ts).
  const makeVol = (): Vol =>
    runInternalSync(() => {
      const { Volume } = req(memfsPath) as { Volume: new () => unknown };
      const vol = new Volume() as Vol;
      memfsProto = memfsHandleProto(vol);
      patchMemfsHandles(p, memfsProto);
      return vol;
    });
  const overlay = new Overlay(makeVol, takeRealFs(), recordedDirs);
  runInternalSync(() => {
    for (const [file, text] of Object.entries(patchedFiles)) {
      const abs = path.resolve(file);
      overlay.seedFile(abs, text);
      // Modules are loaded by their real path: seed that name too.
      const real = realPath(abs);
      if (real !== abs) overlay.seedFile(real, text);
    }
  });
  const realFs = { open: fs.open, write: fs.write, writev: fs.writev, read: fs.read, close: fs.close, fsync: fs.fsync } as unknown as Record<string, AnyFn>;
  // Both keep original functions: construct them before patching.
  // Read-backs after writes see the overlay: the replay's files exist only there.
  const readBack = (abs: string, max: number): Buffer | undefined => (overlay.kind(abs) === 'file' && overlay.size(abs) <= max ? overlay.readBytes(abs, abs) : undefined);
  const recorder = new FsRecorder(rec, { ownFiles: journal ? [journal] : [], ownDirs: [home], readBack });
  const hooks = new SandboxHooks(overlay, recorder, realFs);

  installSandboxReads(p, overlay, hooks.streams);
  // Node's own handles are disk files opened for reading: their chmod/chown/utimes must not reach the disk. A memfs
  // handle comes from the volume, which exists by then (memfsProto is set).
  installFsPatches(p, hooks, true, (proto) => (proto !== memfsProto ? sealHandleMeta(p, proto) : undefined));
  return { overlay, restore: () => p.restore() };
}

function realPath(abs: string): string {
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs;
  }
}

/** memfs FileHandle methods run internal (see HANDLE_INTERNAL). */
function patchMemfsHandles(p: Patcher, proto: object | undefined): void {
  if (!proto) return;
  for (const name of HANDLE_INTERNAL) {
    p.wrap<AnyFn>(proto, name, (original) => {
      return function (this: unknown, ...args: unknown[]): unknown {
        return runInternal(() => original.apply(this, args));
      };
    });
  }
}

/** memfs FileHandle's prototype, from its promises API (the class is not exported by memfs's entry). */
function memfsHandleProto(vol: Vol): object | undefined {
  // FsPromises keeps the FileHandle class it constructs; find it through a descriptor-free handle.
  const promises = vol.promises as unknown as { FileHandle?: { prototype: object } };
  if (promises.FileHandle) return promises.FileHandle.prototype;
  try {
    const req = createRequire(createRequire(import.meta.url).resolve('memfs'));
    const mod = req('@jsonjoy.com/fs-node/lib/FileHandle') as { FileHandle?: { prototype: object } };
    return mod.FileHandle?.prototype;
  } catch {
    return undefined;
  }
}
