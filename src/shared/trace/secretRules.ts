/**
 * The rules behind secret masking (redact.ts): which names carry credentials (JSON fields, query parameters, headers,
 * env vars, locals, argv flags), which token shapes are secrets wherever they appear, and the line-local text rules
 * that find `name: "value"`-like assignments in bodies, messages and source code. Pure: no Node imports.
 *
 * SECRET_TRIGGER is the cheap pre-check of the store and of maskText: every string a rule here can change contains
 * one of its substrings (secretRules.test.ts checks a sample of each rule against it). Add a rule, extend the trigger.
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

/** Custom credential headers: `x-*-key`, `x-*-token`, `x-*-secret`, and `*-auth*` (not `author`, `:authority`). */
const SECRET_HEADER_SHAPE = /^x-(?:[\w-]+-)?(?:key|token|secret|password)$|(?:^|-)auth(?!or)/i;

/** Env var names whose value is a secret. */
const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|_JWT|PASSWORD|_PASS|_PWD|_CREDENTIALS?)$|^(API_KEY|TOKEN|SECRET|PASSWORD|JWT)$/i;

/**
 * Field, parameter, local and flag names whose value is a credential, in any case style: api_key, apiKey, password,
 * secret, client_secret, token, access_token, refresh_token, authorization, authToken, privateKey, jwt, cookie…
 */
const SECRET_IDENT = /(api[_-]?key|apikey|access[_-]?key|private[_-]?key|secret[_-]?key|token|secret|passw(?:or)?d|passphrase|credentials?|authorization|jwt|cookie)$/i;

/** Token shapes that are secrets wherever they appear. */
export const SECRET_PATTERNS: RegExp[] = [
  /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{8,}/g,
  /\bgsk_[A-Za-z0-9]{8,}/g,
  /\bhf_[A-Za-z0-9]{16,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{16,}/g,
  /\bxox[abprse]-[A-Za-z0-9-]{10,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  // JWT: base64url header `{"…` (eyJ), payload, signature (may be empty for alg none).
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /([Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
];

/**
 * Substrings of everything the rules can change: token-shape prefixes and the telling part of every secret name
 * (`-key`/`_key`/`apiKey` but not `keyframe`, `passw` but not `passed`, `token` but not the `tokens` of every LLM
 * usage block: no rule takes a name ending in `tokens`). Kept narrow: the store tests it on every journal chunk it
 * ingests, and the recorder on every body. Grouped by first letter (`a(?:kia|sia|pi[_-]?key…)`): V8 then tries one
 * branch per position instead of every name starting with that letter (a 30 KB prompt: 115 -> 83 us). Matches
 * exactly what the flat list `sk-|gsk_|hf_|gh[pousr]_|github_pat_|xox[abprse]-|AKIA|ASIA|AIza|eyJ|bearer|
 * api[_-]?key|access[_-]?key|private[_-]?key|[_-]key|\bkey=|\bsig(?:nature)?=|authoriz|auth(?!or)|passw|passphrase|
 * _pass|pwd|secret|token(?!s)|credential|jwt|cookie|openai-org|openai-proj` matches (a test compares them).
 */
export const SECRET_TRIGGER =
  /a(?:kia|sia|iza|pi[_-]?key|ccess[_-]?key|uthoriz|uth(?!or))|bearer|c(?:redential|ookie)|eyj|g(?:sk_|h[pousr]_|ithub_pat_)|hf_|jwt|\bkey=|openai-(?:org|proj)|p(?:rivate[_-]?key|assw|assphrase|wd)|s(?:k-|ecret)|\bsig(?:nature)?=|token(?!s)|xox[abprse]-|[_-]key|_pass/i;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_SHAPE.test(n);
}

/** Any name (JSON field, query parameter, header, env var, local, `--flag`) whose value is a credential. */
export function isSecretName(name: string): boolean {
  const n = name.replace(/^-+/, '');
  return n.length > 0 && (isSecretEnvName(n) || SECRET_IDENT.test(n) || isSecretHeader(n));
}

/**
 * A field's value is a credential to mask: its name is secret-like, except that a bare `token` / `tokens` also names a
 * piece of text (logprobs, tokenizer output: `{"token": " the"}`), where only a credential-looking value (12+
 * characters, no whitespace) is masked. A debugger must not blank the data it shows.
 */
export function isSecretField(name: string, value: string): boolean {
  if (value === '' || !isSecretName(name)) return false;
  return !/^tokens?$/i.test(name) || (value.length >= 12 && !/\s/.test(value));
}

/** Query parameters also use bare `key`/`sig` for credentials (Google APIs, signed URLs). */
function isSecretParam(name: string): boolean {
  return isSecretName(name) || /^(key|sig|signature)$/i.test(name);
}

/** Masks secret-shaped tokens (Bearer keeps its prefix). */
export function maskShapes(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, (m: string, prefix?: string) =>
      typeof prefix === 'string' && /^[Bb]earer\s+$/.test(prefix) ? `${prefix}${MASK}` : MASK,
    );
  }
  return out;
}

/** `"name": "value"` in JSON text (escapes inside the value allowed). */
const JSON_FIELD = /"([^"\\\r\n]{1,80})"(\s*:\s*)"((?:[^"\\\r\n]|\\.)*)"/g;
/** The same inside a JSON string that holds JSON (an error message quoting a body): `\"name\":\"value\"`. */
const ESCAPED_JSON_FIELD = /\\"([\w$.-]{1,80})\\"(\s*:\s*)\\"(.*?)\\"/g;
/** A quoted literal assigned to a name in source or text: `name = '…'`, `name: "…"`, `'name': `…``. */
const NAMED_LITERAL = /\b([A-Za-z_$][\w$-]{0,80})(["']?\s*[:=]\s*)(["'`])([^"'`\r\n]+)\3/g;
/** Credential headers written as text: `Authorization: Basic …`, `x-acme-key: …`, `Cookie: a=b; c=d`. */
const HEADER_LINE = /(^|[\s{,"'`])([A-Za-z][\w-]{0,80})(["']?[ \t]*:[ \t]*["'`]?)([^"'`\r\n,}]+)/gm;
/** A dotenv / shell line: `OPENAI_API_KEY=sk…`, `export DB_PASSWORD=…`. */
const ENV_LINE = /^([ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_]{0,80})([ \t]*=[ \t]*)(\S+)$/gm;
/** `name=value` in a URL query, a form body, a cookie, or an argv flag `--api-key=value`. */
const NAME_EQ = /(^|[?&;\s"'(,])(-{0,2}[A-Za-z_][\w.-]{0,80})=([^=&#\s"'<>,;)][^&#\s"'<>,;)]*)/g;
/** An argv flag followed by its value: `--token value`, `--api-key value`. */
const FLAG_VALUE = /(^|\s)(--[A-Za-z][\w-]{0,80})([ \t]+)([^\s-]\S{5,})/g;

/** Values that are code or already masked, never credentials: template holes, env reads, the mask itself. */
function keep(value: string): boolean {
  const v = value.trim();
  return v === '' || v === MASK || v.endsWith(`Bearer ${MASK}`) || v.includes('${') || v.includes('process.env');
}

/**
 * The name-based text rules, all line-local (no rule crosses a newline, so masked source keeps its line numbers) and
 * idempotent (masking masked text changes nothing).
 */
export function maskNamedText(text: string, onHit?: (name: string) => void): string {
  const secret = (name: string, value: string, test: (n: string) => boolean = isSecretName): boolean => {
    const hit = test(name) && !keep(value);
    if (hit) onHit?.(name);
    return hit;
  };
  let out = text.replace(JSON_FIELD, (m: string, name: string, sep: string, value: string) =>
    secret(name, value) ? `"${name}"${sep}"${MASK}"` : m,
  );
  out = out.replace(ESCAPED_JSON_FIELD, (m: string, name: string, sep: string, value: string) =>
    secret(name, value) ? `\\"${name}\\"${sep}\\"${MASK}\\"` : m,
  );
  out = out.replace(NAMED_LITERAL, (m: string, name: string, sep: string, q: string, value: string) =>
    secret(name, value) ? `${name}${sep}${q}${MASK}${q}` : m,
  );
  out = out.replace(HEADER_LINE, (m: string, lead: string, name: string, sep: string, value: string) => {
    if (!secret(name, value, isSecretHeader)) return m;
    const bearer = /^(Bearer|Basic|Token)\s+/i.exec(value);
    return `${lead}${name}${sep}${bearer ? bearer[0] : ''}${MASK}`;
  });
  out = out.replace(ENV_LINE, (m: string, lead: string, name: string, sep: string, value: string) =>
    secret(name, value) ? `${lead}${name}${sep}${MASK}` : m,
  );
  out = out.replace(NAME_EQ, (m: string, lead: string, name: string, value: string) =>
    secret(name.replace(/^-+/, ''), value, isSecretParam) ? `${lead}${name}=${MASK}` : m,
  );
  out = out.replace(FLAG_VALUE, (m: string, lead: string, flag: string, sp: string, value: string) =>
    secret(flag, value) ? `${lead}${flag}${sp}${MASK}` : m,
  );
  return out;
}
