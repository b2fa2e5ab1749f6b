/**
 * `agenttrace/sdk`: the public API for agents.
 *
 * ```ts
 * import { track, step, tool, snapshot } from 'agenttrace/sdk';
 * const memory = track('memory', { notes: [] as string[] });
 * const search = tool('search', async (query: string) => fetchResults(query));
 * await step('plan', { goal }, async () => { ... });
 * snapshot('before answer');
 * ```
 *
 * Every function is a no-op outside AgentTrace (the agent runs unchanged without the recorder). Under
 * `agenttrace record` they talk to the runtime the register installed, found through a global symbol, so this
 * module works from any copy of the package (or none: the register makes `agenttrace/sdk` resolvable).
 * This module stays tiny and has no imports with side effects; nothing here ever throws because of recording.
 */
import { sdkRuntime, type SdkRuntime, type StepToken } from './state/runtimeApi.js';

/**
 * Registers a live object as tracked state under `name` and returns it unchanged. Its JSON view (bounded; cycles,
 * functions, Maps/Sets and BigInt handled) is stored in every keyframe, and a `state` event with the delta is
 * recorded after any step where it changed. Tracking another object under the same name replaces it.
 */
export function track<T extends object>(name: string, obj: T): T {
  sdkRuntime()?.track(name, obj);
  return obj;
}

/**
 * Runs `fn` now as a named step and returns what it returns. Records a `step` event with the optional `input`,
 * then its output or error and duration; steps started inside `fn` (also after awaits) are nested under it.
 * Errors are rethrown unchanged (for a synchronous `fn`, Node's source line of an uncaught error then points at this
 * rethrow; the stack below it is the original). A promise (any thenable) result is returned as a native Promise
 * settling the same way.
 *
 * @example const plan = await step('plan', { goal }, async () => llm.plan(goal));
 */
export function step<R>(name: string, fn: () => R): R;
export function step<R>(name: string, input: unknown, fn: () => R): R;
export function step<R>(name: string, inputOrFn: unknown, maybeFn?: () => R): R {
  const fn = (typeof maybeFn === 'function' ? maybeFn : inputOrFn) as () => R;
  const input = typeof maybeFn === 'function' ? inputOrFn : undefined;
  if (typeof fn !== 'function') throw new TypeError('agenttrace step(name, [input,] fn): fn must be a function');
  return tracked('step', name, input, fn);
}

/**
 * Wraps a tool function: returns a function with the same signature (and `this`) that records a `tool` event per
 * call with its arguments as input (an array), its output or error, and duration. Nested like steps; a thenable
 * result is returned as a native Promise.
 *
 * @example const search = tool('search', async (query: string) => api.search(query));
 */
export function tool<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  if (typeof fn !== 'function') throw new TypeError('agenttrace tool(name, fn): fn must be a function');
  const wrapped = function (this: unknown, ...args: A): R {
    return tracked('tool', name, args, () => fn.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name || name, configurable: true });
  return wrapped;
}

/**
 * Runs `call` as a step or tool: begins it, ends it with the sync outcome or the thenable's, and rethrows errors
 * unchanged. IMPORTANT: one call site for both modes, so a crash inside it prints the same stack recorded or not.
 */
function tracked<R>(kind: 'step' | 'tool', name: string, input: unknown, call: () => R): R {
  const rt = sdkRuntime();
  const token = rt?.beginStep(kind, name, input);
  let result: R;
  try {
    result = call();
  } catch (e) {
    if (rt && token) rt.endStep(token, false, e);
    throw e;
  } finally {
    if (rt && token) rt.leaveStep(token);
  }
  return settle(result, rt, token);
}

/** Ends a step with a sync result now, or with a thenable's outcome through `observe` (the same in both modes). */
function settle<R>(result: R, rt: SdkRuntime | undefined, token: StepToken | undefined): R {
  if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as { then?: unknown }).then === 'function') {
    return observe(result as unknown as PromiseLike<unknown>, rt, token) as R;
  }
  if (rt && token) rt.endStep(token, true, result);
  return result;
}

/**
 * Awaits a step's promise. An async function (not `.then`) keeps V8's async stack traces intact, and it runs in
 * unrecorded runs too, so crash output is identical; a rejection still rejects the returned promise.
 */
async function observe(p: PromiseLike<unknown>, rt: SdkRuntime | undefined, token: StepToken | undefined): Promise<unknown> {
  try {
    const v = await p;
    if (rt && token) rt.endStep(token, true, v);
    return v;
  } catch (e) {
    if (rt && token) rt.endStep(token, false, e);
    throw e;
  }
}

/**
 * Forces a keyframe now: tracked state, user globals, the call stack and the locals of the calling function and
 * its callers (own code). `label` names it in the trace.
 */
export function snapshot(label?: string): void {
  sdkRuntime()?.snapshot(label);
}
