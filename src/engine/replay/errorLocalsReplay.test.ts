import { describe, expect, it } from 'vitest';
import type { ErrorPayload } from '../../shared/trace/types.js';
import { errorNeedsLocals } from './errorLocalsReplay.js';

const error = (stack: string, frames?: ErrorPayload['frames']): ErrorPayload => ({ origin: 'uncaughtException', name: 'TypeError', message: 'm', stack, ...(frames ? { frames } : {}) });

describe('errorNeedsLocals', () => {
  it('asks for a replay only when the error arose in own code and has no locals', () => {
    expect(errorNeedsLocals(error('TypeError: m\n    at readName (file:///w/agent.mjs:3:9)\n    at file:///w/agent.mjs:9:1'))).toBe(true);
    // JSON.parse's frame has no file: the first frame with one is the agent's.
    expect(errorNeedsLocals(error('SyntaxError: m\n    at JSON.parse (<anonymous>)\n    at parse (/w/agent.cjs:3:9)'))).toBe(true);
    expect(errorNeedsLocals(error('TypeError: m\n    at readName (file:///w/agent.mjs:3:9)', [{ functionName: 'readName', url: 'file:///w/agent.mjs', line: 3, column: 9, locals: {} }]))).toBe(false);
    // Raised in a library or in Node: an exception pause would not stop there.
    expect(errorNeedsLocals(error('Error: 429\n    at APIError.generate (file:///w/node_modules/openai/error.mjs:63:20)\n    at async main (file:///w/agent.mjs:5:3)'))).toBe(false);
    expect(errorNeedsLocals(error("Error: ENOENT\n    at Object.openSync (node:fs:573:18)\n    at load (file:///w/agent.mjs:5:3)"))).toBe(false);
    expect(errorNeedsLocals({ origin: 'uncaughtException', name: 'string', message: 'thrown' })).toBe(false);
  });
});
