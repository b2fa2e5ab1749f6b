/** The SDK's side of the env protocol (src/shared/trace/envProtocol.ts): this process's AGENTTRACE_* settings. */
import path from 'node:path';
import { HOME_DIR_NAME, parseAgentEnv, type AgentEnv } from '../../src/shared/trace/envProtocol.js';

/** The protocol as set for this process (read on each call: the host sets it before the agent starts). */
export function sdkEnv(): AgentEnv {
  return parseAgentEnv(process.env);
}

/** AgentTrace's home folder, absolute: AGENTTRACE_HOME, else `$HOME/.agenttrace` (the cwd when HOME is unset). */
export function sdkHome(env: AgentEnv = sdkEnv()): string {
  return path.resolve(env.home ?? path.join(process.env.HOME || process.cwd(), HOME_DIR_NAME));
}
