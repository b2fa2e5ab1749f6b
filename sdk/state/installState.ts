/**
 * State capture: the runtime behind `track`/`step`/`tool`/`snapshot` (published on a global symbol for any copy of
 * the public module), the keyframe policy, locals at LLM client calls, and the `agenttrace/sdk` resolution fallback.
 */
import type { Recorder } from '../core/recorder.js';
import { sharedInspector } from '../core/inspector.js';
import { StateManager } from './stateManager.js';
import { setSdkRuntime } from './runtimeApi.js';
import { installLlmBreakpoints } from './llmBreakpoints.js';
import { installResolveHooks } from './resolveHook.js';

export function installState(rec: Recorder): void {
  const insp = sharedInspector((where, e) => rec.fault(where, e));
  const state = new StateManager(rec, insp);
  setSdkRuntime(state);
  if (insp) {
    try {
      installLlmBreakpoints(insp, state, rec);
    } catch (e) {
      rec.fault('locals at LLM calls', e);
    }
  }
  try {
    installResolveHooks(rec.meta.scriptPath);
  } catch (e) {
    rec.fault('agenttrace/sdk resolution', e);
  }
}
