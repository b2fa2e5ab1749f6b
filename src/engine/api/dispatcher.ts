/**
 * The contract dispatcher shared by every transport (Electron IPC, HTTP/WebSocket, in-memory): accepts only the
 * listed methods, validates params at the edge with the contract's zod schemas (src/shared/rpc/contractParams.ts;
 * strict: unknown keys are refused, so a typo is an error instead of a silently ignored option), and turns every
 * failure into an RpcResult error value.
 */
import { RPC_ERROR } from '../../shared/errors.js';
import { CONTRACT_PARAMS, METHOD_NAMES } from '../../shared/rpc/contractParams.js';
import type { MethodName, RpcResult, WorkbenchApi } from '../../shared/rpc/contract.js';
import { AtrError } from '../errors.js';

export type Dispatch = (method: string, params: unknown) => Promise<RpcResult<unknown>>;

export function createDispatcher(api: WorkbenchApi): Dispatch {
  return async (method, params) => {
    if (typeof method !== 'string' || !(METHOD_NAMES as readonly string[]).includes(method)) {
      return { ok: false, error: { code: RPC_ERROR.unknownMethod, message: `unknown method: ${String(method)}` } };
    }
    const name = method as MethodName;
    const parsed = CONTRACT_PARAMS[name].safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(root)';
      return { ok: false, error: { code: RPC_ERROR.badParams, message: `invalid params for ${name}: ${where} ${issue?.message ?? ''}`.trim(), data: { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path, message: i.message })) } } };
    }
    try {
      const fn = api[name] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: await fn.call(api, parsed.data) };
    } catch (e) {
      if (e instanceof AtrError) return { ok: false, error: e.toErrorJson() };
      return { ok: false, error: { code: RPC_ERROR.internal, message: e instanceof Error ? e.message : String(e) } };
    }
  };
}
