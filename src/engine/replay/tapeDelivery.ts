/**
 * How an offline replay's agent gets its tape. POSIX: a pipe on its fd 3 (AGENTTRACE_TAPE=/dev/fd/3), so the tape is
 * built while the agent's node starts; the SDK blocks on reading it before any agent code runs, and a host that dies
 * leaves it an empty tape (a setup error). Windows has no /dev/fd: a file written first, in `dir`.
 */
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { ENV } from '../../shared/trace/envProtocol.js';
import type { Tape } from '../../shared/trace/tape.js';
import { agentEnv, startAgentProcess, type AgentExit, type AgentProcessOptions } from '../runner/agentProcess.js';
import { writeTapeFile } from './tapeFromStore.js';

const TAPE_PIPE = process.platform === 'win32' ? undefined : '/dev/fd/3';

export interface TapedAgent {
  /** How to start the agent; its environment is agentEnv(baseEnv, env) plus where its tape is. */
  agent: Omit<AgentProcessOptions, 'env'>;
  baseEnv: NodeJS.ProcessEnv;
  env: Record<string, string | undefined>;
  /** Builds the tape (from the store); a throw stops the agent before any of its code ran. */
  buildTape: () => Tape;
  /** Folder for the tape file where no pipe is used. */
  dir: string;
}

/** Runs the agent on the tape `buildTape` makes; resolves with that tape and the agent's exit. */
export async function runWithTape(o: TapedAgent): Promise<{ tape: Tape; exit: AgentExit }> {
  if (!TAPE_PIPE) {
    const tape = o.buildTape();
    const env = agentEnv(o.baseEnv, { ...o.env, [ENV.tape]: writeTapeFile(tape, o.dir) });
    return { tape, exit: await startAgentProcess({ ...o.agent, env }).exit };
  }
  const agent = startAgentProcess({ ...o.agent, env: agentEnv(o.baseEnv, { ...o.env, [ENV.tape]: TAPE_PIPE }), pipeFd3: true });
  let tape: Tape;
  try {
    tape = o.buildTape();
  } catch (e) {
    // The agent is still in the SDK's setup, waiting for its tape: none of its code ran.
    agent.child.kill('SIGKILL');
    await agent.exit.catch(() => undefined);
    throw e;
  }
  sendTape(agent.child, tape);
  return { tape, exit: await agent.exit };
}

/** Writes the tape into the agent's fd 3 and closes it. An agent gone before reading it ends without a journal. */
function sendTape(child: ChildProcess, tape: Tape): void {
  const pipe = child.stdio[3] as Writable | null | undefined;
  if (!pipe) return;
  pipe.on('error', () => undefined);
  pipe.end(JSON.stringify(tape));
}
