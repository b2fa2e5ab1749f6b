/**
 * Secret masking. Every byte that reaches disk (journal, store, export, AFE prompts) passes through these
 * functions first. Pure: no Node imports, so the SDK, engine and renderer share one implementation.
 */

export const MASK = '***';

/** Header names whose whole value is a credential. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
  'openai-organization',
  'openai-project',
]);

/** Env var names whose value is a secret. */
const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|PASSWORD|_PASS|_CREDENTIALS?)$|^(API_KEY|TOKEN|SECRET|PASSWORD)$/i;

/** Token shapes that are secrets wherever they appear. */
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{8,}/g,
  /\bgsk_[A-Za-z0-9]{8,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{16,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /([Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
];

/** Query parameters that carry credentials. */
const SECRET_QUERY = /([?&](?:api[_-]?key|key|token|access_token|secret|password|sig|signature)=)[^&#]*/gi;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Known literal secret values (env values of secret-named vars), registered once per process. */
export class SecretSet {
  private readonly values = new Set<string>();

  /** Adds the values of secret-named env vars (min length 6, so tiny values don't mask everything). */
  addEnv(env: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(env)) {
      if (v && v.length >= 6 && isSecretEnvName(k)) this.values.add(v);
    }
  }

  add(value: string): void {
    if (value.length >= 6) this.values.add(value);
  }

  /** Masks known values and secret-shaped tokens in a string. */
  maskText(text: string): string {
    let out = text;
    for (const v of this.values) {
      if (out.includes(v)) out = out.split(v).join(MASK);
    }
    return maskPatterns(out);
  }

  /** Returns the secrets found in text (for scans before export). */
  findIn(text: string): string[] {
    const found: string[] = [];
    for (const v of this.values) if (text.includes(v)) found.push(v);
    for (const re of SECRET_PATTERNS) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) if (!m[0].includes(MASK)) found.push(m[0]);
    }
    return found;
  }
}

/** Masks secret-shaped tokens (no known values). */
export function maskPatterns(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, (m: string, prefix?: string) =>
      typeof prefix === 'string' && /^[Bb]earer\s+$/.test(prefix) ? `${prefix}${MASK}` : MASK,
    );
  }
  return out;
}

/** Masks credential query parameters and userinfo in a URL string. */
export function maskUrl(url: string, secrets?: SecretSet): string {
  let out = url.replace(/\/\/([^/@\s]+)@/, '//' + MASK + '@').replace(SECRET_QUERY, `$1${MASK}`);
  out = secrets ? secrets.maskText(out) : maskPatterns(out);
  return out;
}

/** Masks a header map: credential headers entirely, and secret-shaped values anywhere. */
export function maskHeaders(headers: Record<string, string>, secrets?: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = isSecretHeader(k) ? MASK : secrets ? secrets.maskText(v) : maskPatterns(v);
  }
  return out;
}

/** Masks an env map: secret-named vars entirely. */
export function maskEnv(env: Record<string, string>, secrets?: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    out[k] = isSecretEnvName(k) ? MASK : secrets ? secrets.maskText(v) : maskPatterns(v);
  }
  return out;
}

/** Deep-masks every string inside a JSON value (keys kept). */
export function maskJson<T>(value: T, secrets?: SecretSet): T {
  const mask = (s: string): string => (secrets ? secrets.maskText(s) : maskPatterns(s));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return mask(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        o[k] = /^(api[_-]?key|authorization|password|secret|token|access_token)$/i.test(k) && typeof x === 'string' ? MASK : walk(x);
      }
      return o;
    }
    return v;
  };
  return walk(value) as T;
}
