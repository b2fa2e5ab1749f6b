/** Helpers of the branch tests: record an agent through the real CLI, find its events, run CLI commands. */
import { expect } from 'vitest';
import type { RunListItem, StoredRun } from '../../src/engine/store/storeTypes.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, runCli, type CliResult } from '../cli/cliHarness.js';

export const KEYS = { OPENAI_API_KEY: 'sk-test-branches-000000000000', ANTHROPIC_API_KEY: 'sk-ant-test-branches-0000000000' };

export interface Recorded {
  id: string;
  llm: TraceEvent[];
}

/** Records `agents/<agent>` with the CLI and returns the run id and its LLM events. */
export async function recordAgent(home: string, agent: string, env: Record<string, string>, args: string[] = []): Promise<Recorded & { stdout: string }> {
  const rec = await runCli(['record', `test/agents/${agent}`, ...(args.length ? ['--', ...args] : [])], { home, env: { ...KEYS, ...env } });
  expect(rec.code, rec.stderr).toBe(0);
  const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
  const id = runs.filter((r) => !r.parentId).sort((a, b) => b.startedAt - a.startedAt)[0].id;
  const { events } = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'llm'], { home });
  return { id, llm: events, stdout: rec.stdout };
}

export async function showJson(home: string, id: string, kinds?: string): Promise<{ run: StoredRun; events: TraceEvent[] }> {
  return cliJson(['show', id, '--json', ...(kinds ? ['--kind', kinds] : [])], { home });
}

/** Runs the CLI with the test keys; `ok` asserts exit 0 (with stderr in the failure message). */
export async function cli(home: string, args: string[], env: Record<string, string> = {}, ok = true): Promise<CliResult> {
  const r = await runCli(args, { home, env: { ...KEYS, ...env } });
  if (ok) expect(r.code, `agenttrace ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** The user-message texts of an LLM event's request. */
export function prompts(ev: TraceEvent): string[] {
  const msgs = (ev.payload as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  return msgs.filter((m) => m.role === 'user').map((m) => String(m.content));
}
