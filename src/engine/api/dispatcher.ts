/**
 * The contract dispatcher shared by every transport (Electron IPC, HTTP/WebSocket, in-memory): accepts only the
 * listed methods, validates params at the edge with zod, and turns every failure into an RpcResult error value.
 */
import { z } from 'zod';
import { METHOD_NAMES, type MethodName, type RpcResult, type WorkbenchApi } from '../../shared/rpc/contract.js';
import { AtrError } from '../errors.js';

const paramsSchemas: { [M in MethodName]: z.ZodType<Parameters<WorkbenchApi[M]>[0]> } = {
  listRuns: z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      offset: z.number().int().min(0).optional(),
      query: z.string().max(200).optional(),
    })
    .strict(),
};

export type Dispatch = (method: string, params: unknown) => Promise<RpcResult<unknown>>;

export function createDispatcher(api: WorkbenchApi): Dispatch {
  return async (method, params) => {
    if (typeof method !== 'string' || !(METHOD_NAMES as readonly string[]).includes(method)) {
      return { ok: false, error: { code: 'ATR_UNKNOWN_METHOD', message: `unknown method: ${String(method)}` } };
    }
    const name = method as MethodName;
    const parsed = paramsSchemas[name].safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: { code: 'ATR_BAD_PARAMS', message: `invalid params for ${name}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim() },
      };
    }
    try {
      const fn = api[name] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: await fn.call(api, parsed.data) };
    } catch (e) {
      if (e instanceof AtrError) return { ok: false, error: e.toErrorJson() };
      return { ok: false, error: { code: 'ATR_INTERNAL', message: e instanceof Error ? e.message : String(e) } };
    }
  };
}
