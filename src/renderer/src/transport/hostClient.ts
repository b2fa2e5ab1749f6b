/**
 * The contract client for this window: Electron IPC through the preload bridge, or, in a browser opened by
 * `agenttrace ui`, HTTP to the local server with the per-launch token from the URL.
 */
import { createClient, type Transport } from '../../../shared/rpc/client';
import type { PreloadBridge, RpcResult, WorkbenchApi } from '../../../shared/rpc/contract';

declare global {
  interface Window {
    agenttrace?: PreloadBridge;
  }
}

function httpTransport(token: string): Transport {
  return async (method, params) => {
    const res = await fetch('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agenttrace-token': token },
      body: JSON.stringify({ method, params }),
    });
    return (await res.json()) as RpcResult<unknown>;
  };
}

export function hostClient(): WorkbenchApi | null {
  const bridge = window.agenttrace;
  if (bridge) return createClient((method, params) => bridge.call(method, params));
  const token = new URLSearchParams(window.location.search).get('token');
  return token ? createClient(httpTransport(token)) : null;
}
