/** Placeholder until the Groq path lands. */
import type { Failure, FixStrategy, RootCause } from '../../shared/afe/types.js';
import type { TraceEvent } from '../../shared/trace/types.js';

export const DEFAULT_GROQ_MODEL = 'llama-3.3-70b-versatile';
export const GROQ_MODELS = [DEFAULT_GROQ_MODEL] as const;

export interface AiCandidate {
  strategy: FixStrategy;
  title: string;
  rationale: string;
  files: { path: string; after: string }[];
}

export async function aiSuggest(
  _input: { failure: Failure; rootCause?: RootCause; files: { path: string; text: string }[]; decisiveEvent?: TraceEvent; runCwd: string },
  _opts: { apiKey?: string; model?: string; baseURL?: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<{ ok: true; model: string; explanation: string; candidates: AiCandidate[] } | { ok: false; model?: string; note: string }> {
  return { ok: false, note: 'AI path not available' };
}

export async function testGroqKey(_o: { apiKey?: string; model?: string; baseURL?: string; env?: NodeJS.ProcessEnv }): Promise<{ status: 'ok' | 'invalid' | 'rate_limited' | 'error'; message: string }> {
  return { status: 'error', message: 'AI path not available' };
}
