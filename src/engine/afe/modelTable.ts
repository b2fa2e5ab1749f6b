/**
 * Decommissioned models and the current model a fix moves them to (Groq and OpenAI deprecation pages). A model that
 * is not here gets a "needs you" step instead of a guess. Pure data.
 */

export interface ModelReplacement {
  provider: 'groq' | 'openai';
  replacement: string;
}

const groq = (replacement: string): ModelReplacement => ({ provider: 'groq', replacement });
const openai = (replacement: string): ModelReplacement => ({ provider: 'openai', replacement });

/** Retired model id → its current replacement. */
export const MODEL_REPLACEMENTS: Readonly<Record<string, ModelReplacement>> = {
  // Groq (console.groq.com/docs/deprecations)
  'llama3-70b-8192': groq('llama-3.3-70b-versatile'),
  'llama3-8b-8192': groq('llama-3.1-8b-instant'),
  'llama2-70b-4096': groq('llama-3.3-70b-versatile'),
  'mixtral-8x7b-32768': groq('llama-3.3-70b-versatile'),
  'gemma-7b-it': groq('llama-3.1-8b-instant'),
  'gemma2-9b-it': groq('llama-3.1-8b-instant'),
  'llama-3.1-70b-versatile': groq('llama-3.3-70b-versatile'),
  'llama-3.1-405b-reasoning': groq('llama-3.3-70b-versatile'),
  'llama-3.2-90b-text-preview': groq('llama-3.3-70b-versatile'),
  'llama-3.2-11b-text-preview': groq('llama-3.1-8b-instant'),
  'llama3-groq-70b-8192-tool-use-preview': groq('llama-3.3-70b-versatile'),
  'llama3-groq-8b-8192-tool-use-preview': groq('llama-3.1-8b-instant'),
  'llama-3.3-70b-specdec': groq('llama-3.3-70b-versatile'),
  // OpenAI (platform.openai.com/docs/deprecations)
  'gpt-4-32k': openai('gpt-4o'),
  'gpt-4-32k-0314': openai('gpt-4o'),
  'gpt-4-32k-0613': openai('gpt-4o'),
  'gpt-4-0314': openai('gpt-4o'),
  'gpt-4-vision-preview': openai('gpt-4o'),
  'gpt-4-1106-vision-preview': openai('gpt-4o'),
  'gpt-3.5-turbo-0301': openai('gpt-4o-mini'),
  'gpt-3.5-turbo-0613': openai('gpt-4o-mini'),
  'gpt-3.5-turbo-16k-0613': openai('gpt-4o-mini'),
  'text-davinci-003': openai('gpt-4o-mini'),
  'text-davinci-002': openai('gpt-4o-mini'),
  'code-davinci-002': openai('gpt-4o-mini'),
  'text-curie-001': openai('gpt-4o-mini'),
  'text-babbage-001': openai('gpt-4o-mini'),
  'text-ada-001': openai('gpt-4o-mini'),
};

/** Where each provider lists its current models (for the "needs you" step). */
export const MODEL_LIST_URL: Readonly<Record<string, string>> = {
  groq: 'https://console.groq.com/docs/models',
  openai: 'https://platform.openai.com/docs/models',
  anthropic: 'https://docs.anthropic.com/en/docs/about-claude/models',
};

/**
 * The replacement for a retired model, or undefined. A legacy completions model called through `/completions`
 * (not chat) goes to the instruct model that endpoint still serves.
 */
export function replacementFor(model: string, url?: string): ModelReplacement | undefined {
  const r = MODEL_REPLACEMENTS[model];
  if (r && /^text-|^code-/.test(model) && url && /\/completions\/?$/.test(url) && !/\/chat\/completions\/?$/.test(url)) {
    return openai('gpt-3.5-turbo-instruct');
  }
  return r;
}
