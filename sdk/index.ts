/**
 * `agenttrace/sdk`: the public API for agents. Every function is a no-op outside AgentTrace (TODO(stub): real
 * implementation lands with state capture).
 */
export function track<T extends object>(name: string, obj: T): T {
  void name;
  return obj;
}
