/**
 * The Groq models AutoFix offers, without the Groq SDK: settings and the CLI's option defaults read these, and
 * importing groq-sdk just for a model name would add its load time to every command.
 */

/** The default model: a current Groq production model, good at following JSON-mode instructions. */
export const DEFAULT_GROQ_MODEL = 'llama-3.3-70b-versatile';

/** Models offered by the settings picker (Groq production models that support JSON mode), default first. */
export const GROQ_MODELS: readonly { id: string; label: string }[] = [
  { id: DEFAULT_GROQ_MODEL, label: 'Llama 3.3 70B Versatile (default)' },
  { id: 'openai/gpt-oss-120b', label: 'GPT-OSS 120B (reasoning, slower)' },
  { id: 'openai/gpt-oss-20b', label: 'GPT-OSS 20B (reasoning, fast)' },
  { id: 'llama-3.1-8b-instant', label: 'Llama 3.1 8B Instant (fastest, weaker fixes)' },
];
