/**
 * The masker for everything the AFE sends to a model. It layers, on top of the recorder's SecretSet (known env
 * values + token shapes, src/shared/trace/redact.ts), the shapes that show up in source code and event text but not
 * in headers the recorder already masks: credential header lines written as text (`Authorization: Basic …`), quoted
 * literals assigned to secret-named variables/keys (`const API_KEY = '…'`, `"password": "…"`), and dotenv lines.
 * Masking is line-local (no rule crosses a newline), so a masked file keeps its line numbers.
 */
import { MASK, SecretSet, isSecretEnvName } from '../../shared/trace/redact.js';

/** Credential headers written as text: `Authorization: Basic dXNlcjpwYXNz`, `'x-api-key': 'abc'`, `Cookie=…`. */
const HEADER_LINE =
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)(["']?\s*[:=]\s*["'`]?)([^"'`\r\n,}]+)/gi;

/** A quoted literal assigned to a name: `name = '…'`, `name: "…"`, `"name": "…"`. */
const NAMED_LITERAL = /\b([A-Za-z_$][\w$-]*)(["']?\s*[:=]\s*)(["'`])([^"'`\r\n]{6,})\3/g;

/** A dotenv / shell line: `OPENAI_API_KEY=sk…`, `export DB_PASSWORD=…`. */
const ENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(\S{6,})$/gm;

/** camelCase and lowercase secret names that SECRET_ENV_NAME (upper snake case) misses: apiKey, authToken, clientSecret… */
const SECRET_IDENT = /(api[_-]?key|apikey|token|secret|passw(or)?d|credentials?|private[_-]?key)$/i;

function isSecretName(name: string): boolean {
  return isSecretEnvName(name) || SECRET_IDENT.test(name);
}

/** Header values that are code, not credentials: template holes and env reads stay readable for the model. */
function keepHeaderValue(value: string): boolean {
  const v = value.trim();
  return v === '' || v === MASK || v.endsWith(`Bearer ${MASK}`) || v.includes('${') || v.includes('process.env');
}

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
  return (text: string): string => {
    let out = secrets.maskText(text);
    out = out.replace(HEADER_LINE, (m: string, name: string, sep: string, value: string) =>
      keepHeaderValue(value) ? m : `${name}${sep}${MASK}`,
    );
    out = out.replace(NAMED_LITERAL, (m: string, name: string, sep: string, q: string, value: string) =>
      isSecretName(name) && value !== MASK ? `${name}${sep}${q}${MASK}${q}` : m,
    );
    out = out.replace(ENV_LINE, (m: string, lead: string, name: string, sep: string, value: string) =>
      isSecretName(name) && value !== MASK ? `${lead}${name}${sep}${MASK}` : m,
    );
    return out;
  };
}
