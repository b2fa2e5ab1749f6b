/** The unified-diff writer, pure checks (its byte-for-byte match with git is tested in src/engine/afe/unifiedDiffGit.test.ts). */
import { describe, expect, it } from 'vitest';
import { splitLines, unifiedDiff } from './unifiedDiff.js';

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

describe('unifiedDiff', () => {
  it('equal texts give an empty diff; context is configurable', () => {
    expect(unifiedDiff('a', 'b', lines(3), lines(3))).toBe('');
    const one = unifiedDiff('old.js', 'new.js', lines(20), lines(20).replace('line 10\n', 'ten\n'), 1);
    expect(one).toBe('--- a/old.js\n+++ b/new.js\n@@ -9,3 +9,3 @@ line 8\n line 9\n-line 10\n+ten\n line 11\n');
  });
  it('splitLines keeps each terminator', () => {
    expect(splitLines('a\r\nb\nc')).toEqual(['a\r\n', 'b\n', 'c']);
    expect(splitLines('')).toEqual([]);
  });
});
