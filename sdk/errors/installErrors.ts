/**
 * Error and exit capture. Observes without changing behaviour:
 * - `uncaughtExceptionMonitor` fires for uncaught exceptions and (with Node's default
 *   `--unhandled-rejections=throw`) for unhandled rejections, before Node prints the error; it cannot change the
 *   outcome. An `unhandledRejection` listener is deliberately NOT added: its presence makes Node treat rejections
 *   as handled and the process would no longer die.
 * - `exit` writes the exit event and the end record; the exit code and stderr stay Node's own.
 * Locals of the throwing frame come from throw-site breakpoints (see throwSites.ts).
 */
import { isMainThread } from 'node:worker_threads';
import type { Recorder } from '../core/recorder.js';
import { sharedInspector } from '../core/inspector.js';
import { runInternalSync } from '../core/internal.js';
import { stateRuntime } from '../state/runtimeApi.js';
import { installThrowSites } from './throwSites.js';
import { errorPayload } from './errorPayload.js';
import { errorSources } from './errorSources.js';
import { installExceptionPauses } from './exceptionPauses.js';
import { sdkEnv } from '../core/sdkEnv.js';

export function installErrors(rec: Recorder): void {
  const insp = sharedInspector((where, e) => rec.fault(where, e));
  if (insp) {
    try {
      installThrowSites(insp);
      if (sdkEnv().localsOnExceptions) installExceptionPauses(insp);
    } catch (e) {
      rec.fault('locals at throw sites', e);
    }
  }

  process.on('uncaughtExceptionMonitor', (err: unknown, origin: string) => {
    try {
      runInternalSync(() => {
        const state = stateRuntime();
        state?.flushState();
        const { payload, capture } = errorPayload(err, origin, rec.secrets, insp);
        const sources = errorSources([...capture.stack, ...(payload.frames ?? [])], rec);
        if (sources.length) payload.sources = sources;
        rec.emit('error', payload);
        state?.forceKeyframe(capture, 'error');
      });
    } catch (e) {
      rec.fault('error capture', e);
    }
  });

  // A worker thread's exit is not the run's end (workers inherit `--import` and run their own recorder).
  if (!isMainThread) return;
  process.on('exit', (code: number) => {
    try {
      runInternalSync(() => {
        stateRuntime()?.finalize();
        const exit = { code: typeof code === 'number' ? code : (Number(process.exitCode) || 0), signal: null };
        rec.emit('exit', exit);
        rec.end(exit.code === 0 ? 'ok' : 'failed', exit);
      });
    } catch (e) {
      rec.fault('exit capture', e);
    }
  });
}
