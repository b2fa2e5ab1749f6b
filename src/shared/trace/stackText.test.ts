import { describe, expect, it } from 'vitest';
import { stackLines } from './stackText.js';

describe('stackLines', () => {
  it('reads named, anonymous, async, URL, node: and Windows frames; skips the message and frames without a file', () => {
    const stack = [
      "TypeError: Cannot read properties of undefined (reading 'x')",
      '    at JSON.parse (<anonymous>)',
      '    at readName (file:///w/agent.mjs:3:9)',
      '    at async main (/w/my (copy)/agent.mjs:12:5)',
      '    at file:///w/agent.mjs:20:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
      '    at run (C:\\w\\agent.cjs:4:2)',
    ].join('\n');
    expect(stackLines(stack)).toEqual([
      { functionName: 'readName', location: 'file:///w/agent.mjs', line: 3, column: 9, async: false },
      { functionName: 'main', location: '/w/my (copy)/agent.mjs', line: 12, column: 5, async: true },
      { functionName: '', location: 'file:///w/agent.mjs', line: 20, column: 1, async: false },
      { functionName: 'Module._compile', location: 'node:internal/modules/cjs/loader', line: 1521, column: 14, async: false },
      { functionName: 'run', location: 'C:\\w\\agent.cjs', line: 4, column: 2, async: false },
    ]);
  });
});
