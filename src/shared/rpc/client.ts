/** A typed client over any transport: `client.listRuns({...})` becomes `transport(method, params)`. */
import type { MethodName, RpcError, RpcResult, WorkbenchApi } from './contract.js';

export type Transport = (method: string, params: unknown) => Promise<RpcResult<unknown>>;

/** An RPC failure on the client side, keeping the host's code. */
export class RpcCallError extends Error {
  readonly code: string;
  readonly data?: unknown;
  constructor(err: RpcError) {
    super(err.message);
    this.name = 'RpcCallError';
    this.code = err.code;
    this.data = err.data;
  }
}

export function createClient(transport: Transport): WorkbenchApi {
  return new Proxy({} as WorkbenchApi, {
    get(_target, method: string | symbol) {
      if (typeof method !== 'string') return undefined;
      return async (params: unknown) => {
        const res = await transport(method as MethodName, params ?? {});
        if (!res.ok) throw new RpcCallError(res.error);
        return res.result;
      };
    },
  });
}
