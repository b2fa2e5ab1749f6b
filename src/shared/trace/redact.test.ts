import { describe, expect, it } from 'vitest';
import { MASK, SECRET_TRIGGER, SecretSet, findSecretName, mayHoldSecret, maskArgv, maskEnv, maskHeaders, maskJson, maskPatterns, maskUrl } from './redact.js';

describe('token shapes', () => {
  const shapes = [
    'sk-proj-abcdefgh12345678',
    'sk-ant-api03-abcdefgh12345678',
    'gsk_abcdefgh12345678',
    'hf_abcdefghijklmnop1234',
    'ghp_abcdefghijklmnop1234',
    'github_pat_abcdefghijklmnop1234',
    'xoxb-1234567890-abcdef',
    'AKIAABCDEFGHIJKLMNOP',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl',
  ];
  it.each(shapes)('masks %s wherever it appears, and the trigger sees it', (s) => {
    expect(maskPatterns(`before ${s} after`)).toBe(`before ${MASK} after`);
    expect(SECRET_TRIGGER.test(s)).toBe(true);
  });
  it.each([
    ['postgres://app:s3cr3tpw@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['redis://:hunter2xx@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['connect failed: mongodb+srv://svc:p%40ss%2Fw0rd@cluster0.example.net/db?retryWrites=true', 'connect failed: mongodb+srv://svc:***@cluster0.example.net/db?retryWrites=true'],
  ])('masks the password of a URL (%s), keeping the rest', (input, output) => {
    expect(maskPatterns(input)).toBe(output);
    expect(maskPatterns(output)).toBe(output);
    expect(mayHoldSecret(input)).toBe(true);
  });
  it('leaves URLs without a password alone', () => {
    for (const s of ['https://user@host/x', 'https://host:8443/path', 'see http://a.b/c?x=1 and mail me@x.org', 'git@github.com:org/repo.git']) expect(maskPatterns(s)).toBe(s);
  });
  it('keeps the Bearer prefix', () => {
    expect(maskPatterns('Authorization: Bearer abcdefgh12345')).toBe('Authorization: Bearer ***');
  });
});

describe('secret-named values in text', () => {
  const cases: [string, string][] = [
    ['{"api_key":"v1-plain-aaaa","model":"m"}', '{"api_key":"***","model":"m"}'],
    ['{"apiKey": "v-plain", "password":"p w", "client_secret":"c", "access_token":"a", "refresh_token":"r"}', '{"apiKey": "***", "password":"***", "client_secret":"***", "access_token":"***", "refresh_token":"***"}'],
    ['{"authorization":"Basic dXNlcjpwYXNz"}', '{"authorization":"***"}'],
    ['{"secret":"it\'s \\"quoted\\""}', '{"secret":"***"}'],
    ['error: {\\"token\\":\\"inner-plain-value\\"}', 'error: {\\"token\\":\\"***\\"}'],
    ['GET /v1/x?api_key=plainq1&page=2&access_token=plainq2', 'GET /v1/x?api_key=***&page=2&access_token=***'],
    ['https://h/p?key=abc&sig=def', 'https://h/p?key=***&sig=***'],
    ['--api-key=plain-argv-1', '--api-key=***'],
    ['run --token plain-argv-2 now', 'run --token *** now'],
    ['x-acme-key: plain-header-1', 'x-acme-key: ***'],
    ['Cookie: session=abc; other=def', 'Cookie: ***'],
    ["const DB_PASSWORD = 'hunter2-pass';", "const DB_PASSWORD = '***';"],
    ['export STRIPE_SECRET=whsec_abcdef\nMODEL=llama', 'export STRIPE_SECRET=***\nMODEL=llama'],
    ['FOO_JWT=abcdefgh', 'FOO_JWT=***'],
  ];
  it.each(cases)('%s', (input, output) => {
    expect(maskPatterns(input)).toBe(output);
    expect(maskPatterns(output)).toBe(output);
    expect(SECRET_TRIGGER.test(input)).toBe(true);
    expect(findSecretName(input) !== undefined || maskPatterns(input) !== input).toBe(true);
  });
  it('leaves ordinary text, code reading secrets and non-secret names alone', () => {
    for (const s of [
      '{"model":"gpt-4o","max_tokens":100,"author":"me"}',
      'const apiKey = process.env.GROQ_API_KEY;',
      'if (token===undefined) return;',
      "headers: { Authorization: `Bearer ${process.env.KEY}` }",
      ':authority: example.com',
      'use --token to pass it',
    ]) expect(maskPatterns(s)).toBe(s);
  });
});

describe('structured masking', () => {
  it('maskJson blanks secret-named fields, custom headers and captured locals in any case style', () => {
    const v = { apiKey: 'a-value', dbPassword: 'b-value', 'x-acme-token': 'c-value', FOO_PASSWORD: 'd-value', sessionSecret: 'e', key: 'cache-key', n: { refreshToken: 'f' }, count: 3 };
    expect(maskJson(v)).toEqual({ apiKey: MASK, dbPassword: MASK, 'x-acme-token': MASK, FOO_PASSWORD: MASK, sessionSecret: MASK, key: 'cache-key', n: { refreshToken: MASK }, count: 3 });
  });
  it('maskHeaders masks custom credential headers and cookies', () => {
    expect(maskHeaders({ 'x-acme-key': 'k', 'x-session-token': 't', 'x-my-auth': 'a', cookie: 'c', 'set-cookie': 's', accept: 'json' })).toEqual({
      'x-acme-key': MASK, 'x-session-token': MASK, 'x-my-auth': MASK, cookie: MASK, 'set-cookie': MASK, accept: 'json',
    });
  });
  it('maskEnv masks names ending in _JWT/_TOKEN/_SECRET/_PASSWORD/_KEY, and credentials in URL values', () => {
    expect(maskEnv({ A_JWT: '1', B_TOKEN: '2', C_SECRET: '3', FOO_PASSWORD: '4', D_KEY: '5', HOME: '/h' })).toEqual({ A_JWT: MASK, B_TOKEN: MASK, C_SECRET: MASK, FOO_PASSWORD: MASK, D_KEY: MASK, HOME: '/h' });
    // A base URL's userinfo is a credential whatever it looks like.
    expect(maskEnv({ OPENAI_BASE_URL: 'https://team:pl41n@proxy.example/v1', HOST_URL: 'http://h:8080/x' })).toEqual({ OPENAI_BASE_URL: `https://${MASK}@proxy.example/v1`, HOST_URL: 'http://h:8080/x' });
  });
  it('maskArgv masks `--flag=value` and the value after a secret flag', () => {
    expect(maskArgv(['--api-key=abc', '--token', 'xyz-1', '--model', 'm', '-v'])).toEqual(['--api-key=***', '--token', MASK, '--model', 'm', '-v']);
  });
  it('maskUrl masks userinfo and secret query parameters', () => {
    expect(maskUrl('https://u:p@h/x?token=abc&q=1')).toBe('https://***@h/x?token=***&q=1');
  });
  it('learnHeaders makes echoed header values masked everywhere', () => {
    const s = new SecretSet();
    s.learnHeaders({ authorization: 'Bearer echo-bearer-123', 'x-acme-key': 'echo-key-456', cookie: 'sid=echo-cookie-789; theme=dark', accept: 'echo-not-secret' });
    expect(s.maskText('got echo-bearer-123 echo-key-456 echo-cookie-789 echo-not-secret')).toBe('got *** *** *** echo-not-secret');
  });
});

describe('SECRET_TRIGGER', () => {
  const names = ['api_key', 'apiKey', 'API-KEY', 'accessKey', 'private_key', 'password', 'passwd', 'passphrase', 'secret', 'client_secret', 'token', 'access_token', 'refresh_token', 'authorization', 'credentials', 'jwt', 'cookie', 'set-cookie', 'openai-organization', 'openai-project', 'x-acme-key', 'x-session-token', 'x-acme-secret', 'x-my-auth', 'proxy-authorization', 'FOO_KEY', 'FOO_TOKEN', 'FOO_SECRET', 'FOO_JWT', 'FOO_PASSWORD', 'FOO_PASS', 'FOO_PWD', 'FOO_CREDENTIAL', 'authToken', 'dbPassword', 'sessionSecret'];
  it.each(names)('covers the secret name %s (the store pre-check never misses a field maskJson would blank)', (n) => {
    expect(maskJson({ [n]: 'value-1234-abcdef' })).toEqual({ [n]: MASK });
    expect(SECRET_TRIGGER.test(JSON.stringify({ [n]: 'value-1234-abcdef' }))).toBe(true);
  });
  it('a bare token field keeps text (logprobs, tokenizers) and masks a credential-looking value', () => {
    expect(maskJson({ logprobs: { content: [{ token: ' the', logprob: -0.1 }, { token: 'Hello', logprob: -0.2 }] } })).toEqual({ logprobs: { content: [{ token: ' the', logprob: -0.1 }, { token: 'Hello', logprob: -0.2 }] } });
    expect(maskJson({ token: 'a1b2c3d4e5f6g7h8' })).toEqual({ token: MASK });
    expect(maskJson({ access_token: 'short' })).toEqual({ access_token: MASK });
  });
  it('stays quiet on ordinary journal lines', () => {
    expect(SECRET_TRIGGER.test('{"t":"kf","keyframe":{"seq":3,"author":"me","passed":true,"monkey":1}}')).toBe(false);
    // An LLM reply's usage block: its `*_tokens` names are counts, never secrets.
    const usage = { usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 }, tokens: 3 } };
    expect(SECRET_TRIGGER.test(JSON.stringify(usage))).toBe(false);
    expect(maskJson(usage)).toEqual(usage);
    expect(maskPatterns(JSON.stringify({ ...usage, tokens: 'a1b2c3d4e5f6g7h8' }))).toBe(JSON.stringify({ ...usage, tokens: 'a1b2c3d4e5f6g7h8' }));
  });
  it('matches exactly what the flat list of its names matches (it is grouped by first letter for speed)', () => {
    const flat =
      /sk-|gsk_|hf_|gh[pousr]_|github_pat_|xox[abprse]-|AKIA|ASIA|AIza|eyJ|bearer|api[_-]?key|access[_-]?key|private[_-]?key|[_-]key|(?:\b|(?<=\\[nrt]))(?:key|sig(?:nature)?)=|authoriz|auth(?!or)|passw|passphrase|_pass|pwd|secret|token(?!s)|credential|jwt|cookie|openai-org|openai-proj/i;
    const parts = ['sk-', 'gsk_', 'hf_', 'ghp_', 'ghz_', 'github_pat_', 'xoxb-', 'xoxz-', 'AKIA', 'asia', 'AIza', 'eyJ', 'Bearer', 'apikey', 'api-key', 'API_KEY', 'accessKey', 'private-key', '_key', '-key', 'key=', 'akey=', 'sig=', 'signature=', 'xsig=', 'authoriz', 'author', 'auth', 'passw', 'passphrase', '_pass', 'pass', 'pwd', 'secret', 'token', 'tokens', 'credential', 'jwt', 'cookie', 'openai-org', 'openai-proj', 'openai-x', 'monkey', 'keyframe', 'passed'];
    const glue = ['', ' ', '_', '-', '=', 'a', 'k', 's', 'x', '.', '"', '\\n', '\\t', 'n'];
    let seed = 7;
    const pick = <T,>(xs: T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length];
    for (let i = 0; i < 20000; i++) {
      let text = '';
      for (let j = 0, n = 1 + (i % 4); j < n; j++) text += pick(glue) + pick(parts).slice(i % 3 === 0 ? 1 : 0);
      expect(SECRET_TRIGGER.test(text), text).toBe(flat.test(text));
    }
  });
  it('still sees a token-named secret next to a usage block', () => {
    const text = JSON.stringify({ usage: { total_tokens: 21 }, session_token: 'plain-session-value' });
    expect(SECRET_TRIGGER.test(text)).toBe(true);
    expect(maskPatterns(text)).toBe(JSON.stringify({ usage: { total_tokens: 21 }, session_token: MASK }));
  });
});

/**
 * A request body is JSON text: the lines of a prompt (a pasted .env file, a log, a shell transcript) sit inside one
 * JSON string, separated by `\n` escapes, not by newlines. Masking that text must find what masking the prompt itself
 * finds, and keep the body valid JSON with everything else intact.
 */
describe('secrets in the lines of a JSON string (a prompt inside a request body)', () => {
  const lines = [
    'sk-proj-abcdefgh12345678',
    'gsk_abcdefgh12345678',
    'ghp_abcdefghijklmnop1234',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl',
    'AKIAABCDEFGHIJKLMNOP',
    'key=abcdef1234567890',
    'api_key=zzzzzz1234567',
    'password=hunter2hunter2',
    'DB_PASSWORD=hunter2;rest',
    'export STRIPE_SECRET=whsec_abcdef',
    'Authorization: Basic dXNlcjpwYXNz',
    'x-acme-key: plain-header-1',
    'Cookie: session=abc; other=def',
    'run --token plain-argv-2 now',
    'https://h/p?key=abc123456&sig=def987654',
    'DATABASE_URL=postgres://app:s3cr3tpw@db:5432/app',
  ];
  const seps = ['\n', '\r\n', '\t', '\n\t'];
  const cases = lines.flatMap((line) => seps.map((sep): [string, string] => [line, sep]));
  it.each(cases)('%j after %j', (line, sep) => {
    const content = `notes:${sep}${line}${sep}next line`;
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] });
    const masked = maskPatterns(body);
    expect(mayHoldSecret(body)).toBe(true);
    const parsed = JSON.parse(masked) as { messages: { content: string }[] };
    expect(parsed.messages[0].content).toBe(maskPatterns(content));
    expect(maskPatterns(content)).not.toBe(content);
    expect(maskPatterns(masked)).toBe(masked);
  });
  it.each(['const password = "hunter2xyz";', 'db_password="inline-pw-1"', 'password: "yaml-pw-1"', "api_key: 'abc123xyz'", 'token = `tpl-value-123`'])(
    'a secret-named literal in code or YAML pasted into a prompt: %s',
    (line) => {
      const value = /["'`]([^"'`]+)["'`]/.exec(line)![1];
      const body = JSON.stringify({ messages: [{ role: 'user', content: `code:\n${line}\nend` }] });
      const masked = maskPatterns(body);
      expect(masked).not.toContain(value);
      expect((JSON.parse(masked) as { messages: { content: string }[] }).messages[0].content).toMatch(/^code:\n.*\*\*\*.*\nend$/);
      expect(maskPatterns(masked)).toBe(masked);
    },
  );
  it('a flag value at the end of a JSON string is masked up to the string, not past it', () => {
    expect(maskPatterns('{"cmd":"run --token abcdefgh1234","x":1}')).toBe('{"cmd":"run --token ***","x":1}');
  });
  it('a secret-named header line inside a JSON field is masked, its field name kept', () => {
    expect(maskPatterns('{"content":"x-acme-key: plain-header-1"}')).toBe('{"content":"x-acme-key: ***"}');
  });
  it('leaves the lines of ordinary prompts alone', () => {
    const content = 'line one\nmonkey=3\nauthor: me\nthe password policy says 12 chars\n\tindented --verbose flag';
    const body = JSON.stringify({ messages: [{ role: 'user', content }] });
    expect(maskPatterns(body)).toBe(body);
  });
});
