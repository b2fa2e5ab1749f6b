/**
 * Where the AI settings of one fix come from: `--no-ai` wins; the key from `--api-key`, else GROQ_API_KEY (the
 * workbench passes the key it holds); the model from `--model`, else GROQ_MODEL, else the default; GROQ_BASE_URL is
 * respected by groq-sdk itself. The key is only ever held in memory.
 */
import { DEFAULT_GROQ_MODEL } from './groqModels.js';

export interface AiOptions {
  enabled: boolean;
  apiKey?: string;
  model?: string;
  baseURL?: string;
}

export function aiOptionsFrom(o: { noAi?: boolean; apiKey?: string; model?: string; env: NodeJS.ProcessEnv }): AiOptions {
  if (o.noAi) return { enabled: false };
  const apiKey = o.apiKey || o.env.GROQ_API_KEY || undefined;
  const model = o.model || o.env.GROQ_MODEL || DEFAULT_GROQ_MODEL;
  // With no key the AI step still "runs" so the report says, in one line, why it was skipped.
  return { enabled: true, apiKey, model, ...(o.env.GROQ_BASE_URL ? { baseURL: o.env.GROQ_BASE_URL } : {}) };
}
