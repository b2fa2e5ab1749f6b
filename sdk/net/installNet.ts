/**
 * Network recording: every HTTP call the agent makes becomes an `http` event, or an `llm` event for chat calls of
 * OpenAI/Groq/Anthropic-compatible APIs. Two layers cover every client: the undici global dispatcher (built-in fetch
 * and npm undici: openai v5+, groq-sdk v1, @anthropic-ai/sdk) and http/https.request (node-fetch based clients:
 * openai v4, groq-sdk v0). A call is seen by exactly one layer: fetch never goes through the http module.
 */
import type { Recorder } from '../core/recorder.js';
import { isInternal } from '../core/internal.js';
import { sdkEnv } from '../core/sdkEnv.js';
import { installHttp } from './httpHook.js';
import { installUndici } from './undiciHook.js';
import { flushNetPatchesOnExit } from './netCall.js';
import { installFetchInternal } from './fetchInternal.js';

/** Installs both layers; each degrades on its own (one `agenttrace:` line) if it cannot be installed. */
export function installNet(rec: Recorder): void {
  try {
    flushNetPatchesOnExit();
    installFetchInternal(installUndici(rec));
  } catch (e) {
    rec.fault('fetch recording', e);
  }
  try {
    installHttp(rec);
  } catch (e) {
    rec.fault('http recording', e);
  }
  // Test hook (opt-in by env): lets integration tests assert that agent code never runs in the internal context.
  if (sdkEnv().testHooks) {
    Object.defineProperty(globalThis, Symbol.for('agenttrace.test.isInternal'), { value: isInternal, configurable: true });
  }
}
