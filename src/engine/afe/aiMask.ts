/**
 * The masker for everything the AFE sends to a model: the recorder's own SecretSet (src/shared/trace/redact.ts) —
 * known env values, token shapes, and the name-based rules that find credentials in source code and event text
 * (credential header lines such as `Authorization: Basic …`, quoted literals assigned to secret-named variables or
 * keys, dotenv lines, `--api-key=…`). Those rules used to live here only; the recorder now applies them before disk
 * too, so a prompt and the store mask alike. Masking is line-local, so a masked file keeps its line numbers.
 */
import { SecretSet } from '../../shared/trace/redact.js';

/** Masks one string for a model prompt. Idempotent: masking masked text changes nothing. */
export type PromptMasker = (text: string) => string;

/**
 * Builds the masker for one AFE call. `env` supplies known secret values (the values of *_KEY/*_TOKEN/… vars, the
 * Groq key among them); `extra` adds literal values that must never leave the machine (the key actually used).
 */
export function promptMasker(env: Record<string, string | undefined>, extra: (string | undefined)[] = []): PromptMasker {
  const secrets = new SecretSet();
  secrets.addEnv(env);
  for (const v of extra) if (v) secrets.add(v);
  return (text: string): string => secrets.maskText(text);
}
