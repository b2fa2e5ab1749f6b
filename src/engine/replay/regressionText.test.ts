import { describe, expect, it } from 'vitest';
import { fieldDiff } from './regressionText.js';

describe('fieldDiff', () => {
  it('shows short values whole, as a -/+ pair', () => {
    expect(fieldDiff({ path: 'body.model', expected: 'gpt-a', actual: 'gpt-b' })).toEqual(['  body.model:', '    - "gpt-a"', '    + "gpt-b"']);
    expect(fieldDiff({ path: 'body.tools', expected: undefined, actual: [1] })).toEqual(['  body.tools:', '    - (absent)', '    + [1]']);
  });

  it('shows long strings around their first difference', () => {
    const head = 'x'.repeat(300);
    const lines = fieldDiff({ path: 'body.messages.0.content', expected: `${head}walk${'y'.repeat(300)}`, actual: `${head}bike${'y'.repeat(300)}` });
    expect(lines[1]).toBe(`    - …"${'x'.repeat(48)}walk${'y'.repeat(44)}"…`);
    expect(lines[2]).toBe(`    + …"${'x'.repeat(48)}bike${'y'.repeat(44)}"…`);
    expect(lines[3]).toBe('      (first difference at character 300)');
  });
});
