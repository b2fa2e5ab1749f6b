import { describe, expect, it } from 'vitest';
import { promptMasker } from './aiMask.js';

describe('promptMasker', () => {
  const mask = promptMasker({ SERVICE_TOKEN: 'svc-value-123456', HOME: '/home/u' }, ['gsk_theKEYinUSE0000']);

  it('masks known env values, the key in use and token shapes', () => {
    expect(mask('a svc-value-123456 b gsk_theKEYinUSE0000 c sk-abcdefghijkl')).toBe('a *** b *** c ***');
    expect(mask('home is /home/u')).toBe('home is /home/u');
  });

  it('masks credential headers written as text, but not code that reads them', () => {
    expect(mask("const h = { Authorization: 'Basic dXNlcjpwYXNz' };")).toBe("const h = { Authorization: '***' };");
    expect(mask('Authorization: Bearer abcdefgh12345')).toBe('Authorization: Bearer ***');
    expect(mask('"x-api-key": "abc123def", "accept": "json"')).toBe('"x-api-key": "***", "accept": "json"');
    expect(mask('headers: { Authorization: `Bearer ${process.env.KEY}` }')).toBe('headers: { Authorization: `Bearer ${process.env.KEY}` }');
  });

  it('masks quoted literals of secret-named variables and keys, and dotenv lines', () => {
    expect(mask("const DB_PASSWORD = 'hunter2-pass';")).toBe("const DB_PASSWORD = '***';");
    expect(mask('{"api_key": "plainvalue99", "model": "llama-3.3-70b-versatile"}')).toBe('{"api_key": "***", "model": "llama-3.3-70b-versatile"}');
    expect(mask('new Client({ apiKey: "plainvalue99", authToken: `tok-123456` })')).toBe('new Client({ apiKey: "***", authToken: `***` })');
    expect(mask('export STRIPE_SECRET=whsec_abcdef\nMODEL=llama')).toBe('export STRIPE_SECRET=***\nMODEL=llama');
    expect(mask('const apiKey = process.env.GROQ_API_KEY;')).toBe('const apiKey = process.env.GROQ_API_KEY;');
  });

  it('keeps lines (line-local) and is idempotent', () => {
    const text = "a\nconst token = 'abcdef123';\nb";
    expect(mask(text).split('\n')).toHaveLength(3);
    expect(mask(mask(text))).toBe(mask(text));
  });
});
