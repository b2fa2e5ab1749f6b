/**
 * testChanged: the secret trigger's test of a growing text scans only what changed, and never answers "no match"
 * for a text that has one: secrets added at the end, across the point where the text changed, or inside the part
 * that changed, are all found; the longest common prefix is exact around block boundaries.
 */
import { describe, expect, it } from 'vitest';
import { MATCH_SPAN, commonPrefixLength, testChanged } from './changedTextTest.js';
import { SECRET_TRIGGER, SecretSet, mayHoldSecret } from './redact.js';

/** Deterministic varied text with no trigger substring (ids, numbers, plain words). */
function filler(seed: number, chars: number): string {
  const words = ['row', 'status', 'ok', 'price', 'total', 'order', 'id', 'shipped', 'pending', 'retry', 'cache', 'hit', 'miss'];
  let out = '';
  let s = seed;
  while (out.length < chars) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out += ` ${words[s % words.length]}=${s % 100000}`;
  }
  return out.slice(0, chars);
}

const chat = (turns: string[]): string => JSON.stringify({ model: 'gpt-x', messages: turns.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })) });

describe('commonPrefixLength', () => {
  it('is the length of the longest common prefix, at and around block boundaries', () => {
    const base = filler(1, 20_000);
    for (const at of [0, 1, 63, 4095, 4096, 4097, 8191, 8192, 12_345, 19_999]) {
      const other = base.slice(0, at) + (base[at] === 'x' ? 'y' : 'x') + base.slice(at + 1);
      expect(commonPrefixLength(base, other)).toBe(at);
      expect(commonPrefixLength(other, base)).toBe(at);
    }
    expect(commonPrefixLength(base, base)).toBe(base.length);
    expect(commonPrefixLength(base, base.slice(0, 9000))).toBe(9000);
    expect(commonPrefixLength('', base)).toBe(0);
  });
});

describe('testChanged', () => {
  it('finds every secret a growing conversation gains, wherever it appears', () => {
    expect(SECRET_TRIGGER.global || SECRET_TRIGGER.sticky).toBe(false);
    const secrets = ['sk-proj-AAAA1111BBBB2222', 'gsk_ZZZZ9999YYYY8888XXXX', 'api_key', 'Bearer abcdefgh12345678', '"password"', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'];
    const turns = [filler(7, 12_000)];
    for (let t = 1; t < 12; t++) {
      turns.push(filler(100 + t, 700));
      expect(testChanged(SECRET_TRIGGER, chat(turns))).toBe(false);
    }
    const head = turns.slice(0, -1);
    const last = turns.at(-1)!;
    let cases = 0;
    for (const secret of secrets) {
      // [the last text found clean, the next one]: a new turn with the secret; the secret across the point where
      // the two differ (its first two characters, no match yet, ended the clean one); the secret inside the last
      // turn, and inside an early one.
      const pairs = [
        [chat(turns), chat([...turns, `tool said ${secret} here`])],
        [chat([...head, `${last} ${secret.slice(0, 2)}`]), chat([...head, `${last} ${secret} and more`])],
        [chat(turns), chat([...head, `${last.slice(0, 300)} ${secret} ${last.slice(300)}`])],
        [chat(turns), chat([turns[0], `${secret} ${turns[1]}`, ...turns.slice(2)])],
      ];
      for (const [before, after] of pairs) {
        expect(testChanged(SECRET_TRIGGER, before)).toBe(false);
        expect(SECRET_TRIGGER.test(after)).toBe(true);
        expect(testChanged(SECRET_TRIGGER, after), `${secret} at ${commonPrefixLength(before, after)} of ${after.length}`).toBe(true);
        cases++;
      }
    }
    expect(cases).toBe(secrets.length * 4);
  });

  it('tests only what changed since the last clean text, from MATCH_SPAN characters before the change', () => {
    class Spy extends RegExp {
      readonly tested: number[] = [];
      override test(s: string): boolean {
        this.tested.push(s.length);
        return super.test(s);
      }
    }
    const re = new Spy('sentinel-[0-9]');
    const text = filler(3, 20_000);
    expect(testChanged(re, text)).toBe(false);
    expect(testChanged(re, `${text} more text`)).toBe(false);
    expect(testChanged(re, `${text} more sentinel-1`)).toBe(true);
    // After a match nothing is kept: the next text is tested whole.
    expect(testChanged(re, text)).toBe(false);
    expect(re.tested).toEqual([text.length, MATCH_SPAN + ' more text'.length, MATCH_SPAN + ' more text'.length, text.length]);
  });

  it('masks a secret added in a later turn of a long conversation the recorder already found clean', () => {
    const secrets = new SecretSet();
    const turns = [filler(11, 30_000), filler(12, 800)];
    expect(mayHoldSecret(chat(turns))).toBe(false);
    const masked = secrets.maskText(chat([...turns, 'my key is sk-live-QQQQ7777RRRR6666SSSS']));
    expect(masked).not.toContain('QQQQ7777');
    expect(masked).toContain(filler(12, 800));
  });
});
