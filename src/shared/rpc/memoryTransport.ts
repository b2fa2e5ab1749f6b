/**
 * The in-memory transport: a dispatcher called directly, with the params and the result passed through a JSON
 * round trip, so a unit test sees exactly what would cross IPC or HTTP (no Dates, no undefined, no shared objects).
 */
import type { Transport } from './client.js';
import type { EventSubscribe, RpcResult, WorkbenchEvent } from './contract.js';

export type DispatchFn = (method: string, params: unknown) => Promise<RpcResult<unknown>>;

const roundTrip = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export function memoryTransport(dispatch: DispatchFn): Transport {
  return async (method, params) => roundTrip(await dispatch(method, roundTrip(params)));
}

/** An in-memory event channel: `emit` on the host side, `subscribe` on the client side. */
export function memoryEvents(): { emit(event: WorkbenchEvent): void; subscribe: EventSubscribe } {
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  return {
    emit(event) {
      const copy = roundTrip(event);
      for (const l of [...listeners]) l(copy);
    },
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}
