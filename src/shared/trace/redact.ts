/**
 * Secret masking. Every byte that reaches disk (journal, store, export, AFE prompts) passes through these
 * functions first. Pure: no Node imports, so the SDK, engine and renderer share one implementation.
 */

import { MASK, SECRET_PATTERNS, isSecretEnvName, isSecretField, isSecretHeader, isSecretName, maskNamedText, maskShapes, mayHoldSecret } from './secretRules.js';

export { MASK, SECRET_TRIGGER, isSecretEnvName, isSecretField, isSecretHeader, isSecretName, mayHoldSecret } from './secretRules.js';

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
    if (value.length >= 6 && value !== MASK) this.values.add(value);
  }

  /** True when a value is known (tests, and callers deciding whether to learn more). */
  has(value: string): boolean {
    return this.values.has(value);
  }

  /** Learns the values of secret-named flags: `--api-key=VALUE`, `--token VALUE`. */
  learnArgv(argv: string[]): void {
    argv.forEach((a, i) => {
      const eq = /^--?([A-Za-z][\w.-]*)=(.+)$/.exec(a);
      if (eq && isSecretName(eq[1])) this.add(eq[2]);
      else if (isSecretFlag(a) && i + 1 < argv.length && !argv[i + 1].startsWith('-')) this.add(argv[i + 1]);
    });
  }

  /**
   * Learns the credential values a request carries in its headers, so that a server echoing them back (in a
   * response body, an error message) is masked too: whole values, the token after `Bearer`/`Basic`/`Token`, and
   * each cookie value.
   */
  learnHeaders(headers: Record<string, string>): void {
    for (const [k, v] of Object.entries(headers)) {
      if (!isSecretHeader(k) || !v) continue;
      this.add(v.trim());
      const scheme = /^(?:Bearer|Basic|Token)\s+(\S+)/i.exec(v.trim());
      if (scheme) this.add(scheme[1]);
      if (/cookie/i.test(k)) {
        for (const part of v.split(';')) {
          const eq = part.indexOf('=');
          // Short cookie values are preferences (`theme=dark`), not sessions: masking them everywhere would hurt.
          const value = part.slice(eq + 1).trim();
          if (eq > 0 && value.length >= 8) this.add(value);
        }
      }
    }
  }

  /** Masks known values, secret-shaped tokens and secret-named assignments (`"token": "…"`, `--api-key=…`). */
  maskText(text: string): string {
    let out = text;
    for (const v of this.values) {
      if (out.includes(v)) out = out.split(v).join(MASK);
    }
    return maskPatterns(out);
  }


  /**
   * Returns the secrets found in text (for scans before export): known values, secret-shaped tokens, and the values
   * of secret-named assignments (what maskText would replace).
   */
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

/** The name of the first secret-named assignment with an unmasked value in text (`api_key`, `--token`), if any. */
export function findSecretName(text: string): string | undefined {
  if (!mayHoldSecret(text)) return undefined;
  let first: string | undefined;
  maskNamedText(text, (name) => (first ??= name));
  return first;
}

/**
 * Masks what needs no known value: secret-shaped tokens and secret-named assignments. A cheap trigger test skips
 * the rules for the common clean string.
 */
export function maskPatterns(text: string): string {
  if (!mayHoldSecret(text)) return text;
  return maskNamedText(maskShapes(text));
}

/** `--token`, `-password`: a flag without `=` whose value is the next argument. */
function isSecretFlag(arg: string): boolean {
  return /^--?[A-Za-z][\w.-]*$/.test(arg) && isSecretName(arg);
}

/** Masks argv: `--api-key=…` (by maskText) and the value after a secret-named flag (`--token`, `value`). */
export function maskArgv(argv: string[], secrets?: SecretSet): string[] {
  return argv.map((a, i) => {
    if (i > 0 && isSecretFlag(argv[i - 1]) && !a.startsWith('-')) return MASK;
    return secrets ? secrets.maskText(a) : maskPatterns(a);
  });
}

/** Masks credential query parameters (secret-named, by maskText) and userinfo in a URL string. */
export function maskUrl(url: string, secrets?: SecretSet): string {
  const out = url.replace(/\/\/([^/@\s]+)@/, '//' + MASK + '@');
  return secrets ? secrets.maskText(out) : maskPatterns(out);
}

/** Masks a header map: credential headers entirely, and secret-shaped values anywhere. */
export function maskHeaders(headers: Record<string, string>, secrets?: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = isSecretHeader(k) ? MASK : secrets ? secrets.maskText(v) : maskPatterns(v);
  }
  return out;
}

/** Masks an env map: secret-named vars entirely, the credentials of URL values (`*_BASE_URL=https://user:pass@…`). */
export function maskEnv(env: Record<string, string>, secrets?: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    out[k] = isSecretEnvName(k) ? MASK : maskUrl(v, secrets);
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
        // Secret-named fields, headers and captured locals (`apiKey`, `x-acme-token`, `dbPassword`) lose the value.
        o[k] = typeof x === 'string' && isSecretField(k, x) ? MASK : walk(x);
      }
      return o;
    }
    return v;
  };
  return walk(value) as T;
}
