/**
 * Defensive secret masking at the store boundary. The SDK masks before writing the journal; the store masks again
 * with the host's own secrets (env values of *_KEY/*_TOKEN/... vars) so that a hook that forgot to mask, or a
 * journal written in environment-variable mode, still never puts a secret into traces.db.
 * Ingest must stay fast (>= 100k events/s), so a cheap pre-check on the raw text (mayHoldSecret, plus the host's
 * secret values) decides whether the full maskJson walk is needed at all: false means maskJson would change nothing.
 */
import { SecretSet, isSecretEnvName, maskJson, mayHoldSecret } from '../../shared/trace/redact.js';

export class StoreMasker {
  readonly secrets = new SecretSet();
  /** Known secret values as they appear raw and inside JSON strings (escaped). */
  private readonly needles: string[] = [];

  constructor(env: Record<string, string | undefined> = process.env) {
    this.secrets.addEnv(env);
    for (const [k, v] of Object.entries(env)) {
      // Same rule as SecretSet.addEnv (min length 6), so the pre-check never misses a value it would mask.
      if (!v || v.length < 6 || !isSecretEnvName(k)) continue;
      this.needles.push(v);
      const escaped = JSON.stringify(v).slice(1, -1);
      if (escaped !== v) this.needles.push(escaped);
    }
  }

  /** True when text may contain something to mask (false means: certainly nothing). */
  mayContainSecret(text: string): boolean {
    // Defined beside the rules (secretRules.ts), so a new rule cannot be added without its pre-check.
    if (mayHoldSecret(text)) return true;
    for (const n of this.needles) if (text.includes(n)) return true;
    return false;
  }

  /** Masks a parsed JSON value whose serialized form is rawText (skips the walk when the text is clean). */
  json<T>(value: T, rawText?: string): T {
    if (rawText !== undefined && !this.mayContainSecret(rawText)) return value;
    return maskJson(value, this.secrets);
  }

  /**
   * Masks secret text inside bytes. latin1 maps every byte to one char and back, so binary content is preserved
   * exactly and only the ASCII secret tokens are replaced.
   */
  bytes(data: Buffer): Buffer {
    const text = data.toString('latin1');
    if (!this.mayContainSecret(text)) return data;
    const masked = this.secrets.maskText(text);
    return masked === text ? data : Buffer.from(masked, 'latin1');
  }
}
