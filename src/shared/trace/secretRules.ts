/**
 * The rules behind secret masking (redact.ts): which names carry credentials (JSON fields, query parameters, headers,
 * env vars, locals, argv flags), which token shapes are secrets wherever they appear, and the line-local text rules
 * that find `name: "value"`-like assignments in bodies, messages and source code. Pure: no Node imports.
 *
 * mayHoldSecret is the cheap pre-check of the store and of maskText: every string a rule here can change contains
 * one of SECRET_TRIGGER's substrings or a URL's userinfo (secretRules.test.ts checks a sample of each rule against it). Add a rule, extend the trigger.
 */

import { testChanged } from './changedTextTest.js';

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

/**
 * A token that starts with `head`: `head` where a token starts, in plain text and in JSON text alike. A request body
 * is JSON: the lines of a prompt (a pasted .env file, a log, a shell transcript) sit inside one string, separated by
 * the escapes `\n`, `\r`, `\t` rather than by line breaks, so `sk-…` at the start of such a line follows the letter
 * `n` (no word boundary). The look back comes after `head` so that V8 still scans for `head` (a leading assertion
 * made these patterns 10x slower).
 */
const tokenStart = (head: string): string => String.raw`${head}(?<=(?:^|\W|\\[nrt])${head})`;
/** A JSON string's escaped line break or tab, where the line-local rules also see a line start or a space. */
const ESC_BREAK = String.raw`\\[nrt]`;
/**
 * One character of a value, `stop` excluded, and a backslash only where it does not begin one of the escapes in
 * `escapes` (those of the characters the value stops at: `\n`, `\r`, `\"`, and `\t` where whitespace ends it).
 */
const valueChar = (stop: string, escapes = 'nrt"'): string => String.raw`(?:[^${stop}\\]|\\(?![${escapes}]))`;
/** Spaces and tabs, a JSON string's `\t` included. */
const BLANKS = String.raw`(?:[ \t]|\\t)*`;

/** Token shapes that are secrets wherever they appear. */
export const SECRET_PATTERNS: RegExp[] = [
  [String.raw`sk-`, String.raw`(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{8,}`],
  [String.raw`gsk_`, String.raw`[A-Za-z0-9]{8,}`],
  [String.raw`hf_`, String.raw`[A-Za-z0-9]{16,}`],
  [String.raw`(?:ghp|gho|ghu|ghs|ghr|github_pat)_`, String.raw`[A-Za-z0-9_]{16,}`],
  [String.raw`xox[abprse]-`, String.raw`[A-Za-z0-9-]{10,}`],
  [String.raw`(?:AKIA|ASIA)`, String.raw`[0-9A-Z]{16}\b`],
  [String.raw`AIza`, String.raw`[0-9A-Za-z_-]{30,}`],
  // JWT: base64url header `{"…` (eyJ), payload, signature (may be empty for alg none).
  [String.raw`eyJ`, String.raw`[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`],
]
  .map(([head, rest]) => new RegExp(tokenStart(head) + rest, 'g'))
  .concat(
    /([Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
    // The password of a URL's userinfo: `postgres://app:…@db`, `redis://:…@cache` (a connection string in a prompt,
    // a log line or an error message). Matched from `//` so that V8 scans for it.
    /(\/\/[^\s/:@"'\\]{0,128}:)[^\s/@"'\\]{1,256}(?=@)/g,
  );

/**
 * Substrings of everything the rules can change: token-shape prefixes and the telling part of every secret name
 * (`-key`/`_key`/`apiKey` but not `keyframe`, `passw` but not `passed`, `token` but not the `tokens` of every LLM
 * usage block: no rule takes a name ending in `tokens`). Kept narrow: the store tests it on every journal chunk it
 * ingests, and the recorder on every body. Grouped by first letter (`a(?:kia|sia|pi[_-]?key…)`): V8 then tries one
 * branch per position instead of every name starting with that letter (a 30 KB prompt: 115 -> 83 us). Matches
 * exactly what the flat list `sk-|gsk_|hf_|gh[pousr]_|github_pat_|xox[abprse]-|AKIA|ASIA|AIza|eyJ|bearer|
 * api[_-]?key|access[_-]?key|private[_-]?key|[_-]key|key=|sig(?:nature)?=|authoriz|auth(?!or)|passw|passphrase|
 * _pass|pwd|secret|token(?!s)|credential|jwt|cookie|openai-org|openai-proj` matches, `key=` and `sig=` where a
 * token starts (see tokenStart); a test compares them. With USERINFO it makes mayHoldSecret.
 */
export const SECRET_TRIGGER = new RegExp(
  String.raw`a(?:kia|sia|iza|pi[_-]?key|ccess[_-]?key|uthoriz|uth(?!or))|bearer|c(?:redential|ookie)|eyj|g(?:sk_|h[pousr]_|ithub_pat_)|hf_|jwt|${tokenStart('key=')}|openai-(?:org|proj)|p(?:rivate[_-]?key|assw|assphrase|wd)|s(?:k-|ecret)|${tokenStart('sig(?:nature)?=')}|token(?!s)|xox[abprse]-|[_-]key|_pass`,
  'i',
);

/** A URL's `//user:password@`, tested apart (only in a text with an `@`): as a branch of the trigger it made it 50% slower. */
const USERINFO = /\/\/[^\s/:@"'\\]{0,128}:[^\s/@"'\\]{1,256}@/;

/** The pre-check of the store and of maskText: false means no rule here can change the text. */
export function mayHoldSecret(text: string): boolean {
  // A long text that repeats the last one (a conversation resent with a turn more) is scanned from where it changed.
  return testChanged(SECRET_TRIGGER, text) || (text.includes('@') && USERINFO.test(text));
}

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

/** Masks secret-shaped tokens (what a pattern's first group holds is kept: `Bearer `, `//user:`). */
export function maskShapes(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    re.lastIndex = 0;
    // Without a group the second argument is the match's offset, a number.
    out = out.replace(re, (m: string, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${MASK}` : MASK));
  }
  return out;
}

/** `"name": "value"` in JSON text (escapes inside the value allowed). */
const JSON_FIELD = /"([^"\\\r\n]{1,80})"(\s*:\s*)"((?:[^"\\\r\n]|\\.)*)"/g;
/** The same inside a JSON string that holds JSON (an error message quoting a body): `\"name\":\"value\"`. */
const ESCAPED_JSON_FIELD = /\\"([\w$.-]{1,80})\\"(\s*:\s*)\\"(.*?)\\"/g;
/** A quoted literal assigned to a name in source or text: `name = '…'`, `name: "…"`, `'name': `…``. */
const NAMED_LITERAL = /\b([A-Za-z_$][\w$-]{0,80})(["']?\s*[:=]\s*)(["'`])([^"'`\r\n]+)\3/g;
/**
 * The same with double quotes inside a JSON string (`password = \"…\"`: code or YAML pasted into a prompt), where
 * each quote is an escape. The name may then start right after an `\n` escape: `npassword` is still secret-named.
 */
const NAMED_LITERAL_ESCAPED = new RegExp(String.raw`\b([A-Za-z_$][\w$-]{0,80})('?${BLANKS}[:=]${BLANKS})\\"(${valueChar(String.raw`"'\`\r\n`, 'nr"')}+)\\"`, 'g');
// The line-local rules below also take a JSON string's `\n`, `\r`, `\t` as the line break or space they stand for,
// and end a value there (see tokenStart).
/**
 * Credential headers written as text: `Authorization: Basic …`, `x-acme-key: …`, `Cookie: a=b; c=d`. The name and its
 * colon; the value (HEADER_VALUE, up to the end of the line) is read only for a credential header's name, so that
 * another name's value is still searched (`"content":"x-acme-key: …"`, `Note: Authorization: …`) in one pass.
 */
const HEADER_NAME = new RegExp(String.raw`(^|[\s{,"'\`]|${ESC_BREAK})([A-Za-z][\w-]{0,80})(["']?${BLANKS}:${BLANKS}["'\`]?)`, 'gm');
const HEADER_VALUE = new RegExp(`${valueChar(String.raw`"'\`\r\n,}`, 'nr"')}+`, 'y');
/** A dotenv / shell line: `OPENAI_API_KEY=sk…`, `export DB_PASSWORD=…`. */
const ENV_LINE = /^([ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_]{0,80})([ \t]*=[ \t]*)(\S+)$/gm;
/** The same line inside a JSON string: after `\n` or `\r` (kept with the lead), up to the next one or the string's end. */
const ENV_LINE_ESCAPED = new RegExp(String.raw`(\\[nr]${BLANKS}(?:export(?:[ \t]|\\t)+)?)([A-Za-z_][A-Za-z0-9_]{0,80})([ \t]*=[ \t]*)(${valueChar(String.raw`\s"`)}+)(?=\\[nr]|")`, 'g');
/** `name=value` in a URL query, a form body, a cookie, or an argv flag `--api-key=value`. */
const NAME_EQ = new RegExp(String.raw`(^|[?&;\s"'(,]|${ESC_BREAK})(-{0,2}[A-Za-z_][\w.-]{0,80})=(${valueChar(String.raw`=&#\s"'<>,;)`)}${valueChar(String.raw`&#\s"'<>,;)`)}*)`, 'g');
/** An argv flag followed by its value: `--token value`, `--api-key value`. */
const FLAG_VALUE = new RegExp(String.raw`(^|\s|${ESC_BREAK})(--[A-Za-z][\w-]{0,80})([ \t]+)((?:\\?["'])?${valueChar(String.raw`\s"'-`)}${valueChar(String.raw`\s"'`)}{5,})`, 'g');

/** Auth schemes kept at the start of a masked credential header's value (`Basic ***`). */
const SCHEMES = 'Bearer|Basic|Token';
const SCHEME = new RegExp(String.raw`^(?:${SCHEMES})\s+`, 'i');
/** A credential header's value as maskHeaderLines leaves it. */
const MASKED_SCHEME = new RegExp(String.raw`(?:${SCHEMES})\s+\*\*\*$`, 'i');

/** Values that are code or already masked, never credentials: template holes, env reads, the mask itself. */
function keep(value: string): boolean {
  const v = value.trim();
  return v === '' || v === MASK || MASKED_SCHEME.test(v) || v.includes('${') || v.includes('process.env');
}

/** HEADER_NAME / HEADER_VALUE: each credential header's value masked (a `Bearer`/`Basic`/`Token` scheme kept). */
function maskHeaderLines(text: string, secret: (name: string, value: string) => boolean): string {
  let out = '';
  let done = 0;
  HEADER_NAME.lastIndex = 0;
  for (let m = HEADER_NAME.exec(text); m; m = HEADER_NAME.exec(text)) {
    const [head, lead, name, sep] = m;
    const valueAt = m.index + head.length;
    // The value is read only after a credential header's name (reading every name's would be quadratic).
    HEADER_VALUE.lastIndex = valueAt;
    const value = isSecretHeader(name) ? HEADER_VALUE.exec(text)?.[0] : undefined;
    if (value === undefined || !secret(name, value)) {
      // The search goes on right after the name (its separator may hold the next name's lead).
      HEADER_NAME.lastIndex = m.index + lead.length + name.length;
      continue;
    }
    const scheme = SCHEME.exec(value);
    out += `${text.slice(done, m.index)}${lead}${name}${sep}${scheme ? scheme[0] : ''}${MASK}`;
    done = HEADER_NAME.lastIndex = valueAt + value.length;
  }
  return done === 0 ? text : out + text.slice(done);
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
  out = out.replace(NAMED_LITERAL_ESCAPED, (m: string, name: string, sep: string, value: string) =>
    secret(name, value) ? `${name}${sep}\\"${MASK}\\"` : m,
  );
  out = maskHeaderLines(out, (name, value) => secret(name, value, isSecretHeader));
  const envLine = (m: string, lead: string, name: string, sep: string, value: string): string => (secret(name, value) ? `${lead}${name}${sep}${MASK}` : m);
  out = out.replace(ENV_LINE, envLine);
  out = out.replace(ENV_LINE_ESCAPED, envLine);
  out = out.replace(NAME_EQ, (m: string, lead: string, name: string, value: string) =>
    secret(name.replace(/^-+/, ''), value, isSecretParam) ? `${lead}${name}=${MASK}` : m,
  );
  out = out.replace(FLAG_VALUE, (m: string, lead: string, flag: string, sp: string, value: string) =>
    secret(flag, value) ? `${lead}${flag}${sp}${MASK}` : m,
  );
  return out;
}
