import { describe, expect, it } from 'vitest';
import { canonicalBody, fingerprintInput, normalizeUrl } from './fingerprint.js';

describe('normalizeUrl', () => {
  it('lowercases scheme and host, drops default ports and fragments, sorts the query', () => {
    expect(normalizeUrl('HTTPS://API.OpenAI.com:443/v1/Chat?b=2&a=1#frag')).toBe('https://api.openai.com/v1/Chat?a=1&b=2');
    expect(normalizeUrl('http://127.0.0.1:80')).toBe('http://127.0.0.1/');
    expect(normalizeUrl('http://127.0.0.1:8080/x?')).toBe('http://127.0.0.1:8080/x');
    expect(normalizeUrl('http://***@host/p')).toBe('http://***@host/p');
    expect(normalizeUrl('relative/path')).toBe('relative/path');
  });
});

describe('fingerprintInput', () => {
  it('is insensitive to JSON key order and whitespace, sensitive to values', () => {
    const a = fingerprintInput('post', 'http://h/x?b=1&a=2', '{"b":1,"a":[1,{"d":2,"c":3}]}');
    const b = fingerprintInput('POST', 'http://H:80/x?a=2&b=1', '{ "a": [1, {"c":3, "d":2}], "b": 1 }');
    expect(a).toBe(b);
    expect(a).toBe('POST http://h/x?a=2&b=1\n{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(fingerprintInput('POST', 'http://h/x', '{"a":1}')).not.toBe(fingerprintInput('POST', 'http://h/x', '{"a":2}'));
  });

  it('gives the same text for a body the caller already parsed (the recorder parses it once)', () => {
    const body = '{ "b": 1, "a": [1, {"d": 2, "c": 3}] }';
    expect(fingerprintInput('POST', 'http://h/x', body, JSON.parse(body))).toBe(fingerprintInput('POST', 'http://h/x', body));
    expect(fingerprintInput('POST', 'http://h/x', 'plain', undefined)).toBe('POST http://h/x\n"plain"');
  });

  it('quotes raw text bodies and leaves empty bodies empty', () => {
    expect(canonicalBody('hello')).toBe('"hello"');
    expect(canonicalBody('')).toBe('');
    expect(canonicalBody(undefined)).toBe('');
    expect(fingerprintInput('GET', 'http://h/', undefined)).toBe('GET http://h/\n');
  });
});
