/** extractJson: whole text, fenced blocks, the largest balanced value in prose, strings with brackets, none. */
import { describe, expect, it } from 'vitest';
import { extractJson } from './jsonExtract.js';

describe('extractJson', () => {
  it('finds the JSON a model wrapped', () => {
    expect(extractJson(' {"a": 1} ')).toBe('{"a": 1}');
    expect(extractJson('```json\n[1, 2]\n```')).toBe('[1, 2]');
    expect(extractJson('```\n{"a": "}"}\n```\nthanks')).toBe('{"a": "}"}');
    expect(extractJson('See [1]. Result: {"items": [1, {"b": "x]"}]} done')).toBe('{"items": [1, {"b": "x]"}]}');
    expect(extractJson('"just a string"')).toBe('"just a string"');
  });
  it('null when there is no complete JSON value', () => {
    expect(extractJson('{"a": 1')).toBeNull();
    expect(extractJson('no json')).toBeNull();
    expect(extractJson('{a: 1}')).toBeNull();
  });
});
