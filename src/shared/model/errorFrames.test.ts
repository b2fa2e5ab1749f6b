import { describe, expect, it } from 'vitest';
import type { ErrorPayload } from '../trace/types.js';
import { defaultFrame, errorFrames, foldFrames, parseStackText, sourceWindow } from './errorFrames.js';

const STACK = [
  'Error: 500 Internal server error',
  '    at APIError.generate (file:///app/node_modules/openai/error.mjs:63:20)',
  '    at OpenAI.makeStatusError (file:///app/node_modules/openai/client.mjs:325:32)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async describeCity (file:///app/agent.mjs:11:15)',
  '    at async loop (/app/my agent/run.mjs:26:18)',
].join('\n');

describe('parseStackText', () => {
  it('reads every frame with its kind, async marker and a file URL', () => {
    const frames = parseStackText(STACK);
    expect(frames.map((f) => [f.functionName, f.kind, f.async, f.line])).toEqual([
      ['APIError.generate', 'library', false, 63],
      ['OpenAI.makeStatusError', 'library', false, 325],
      ['process.processTicksAndRejections', 'internal', false, 95],
      ['describeCity', 'own', true, 11],
      ['loop', 'own', true, 26],
    ]);
    expect(frames[4].url).toBe('file:///app/my%20agent/run.mjs');
  });

  it('reads anonymous frames and skips lines that are not frames', () => {
    const frames = parseStackText('TypeError: x\n    at file:///a/b.mjs:3:9\n    ... 2 more\n    at new Foo (file:///a/c.mjs:1:1)');
    expect(frames.map((f) => [f.functionName, f.url, f.column])).toEqual([
      ['', 'file:///a/b.mjs', 9],
      ['new Foo', 'file:///a/c.mjs', 1],
    ]);
  });
});

describe('errorFrames', () => {
  it('joins captured locals to their frames in order; uncaptured frames have none', () => {
    const payload: ErrorPayload = {
      origin: 'uncaughtException',
      name: 'SyntaxError',
      message: 'Unexpected end of JSON input',
      stack: 'SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at rethrow (file:///a/agent.mjs:70:10)\n    at main (file:///a/agent.mjs:90:3)\n    at file:///a/agent.mjs:95:1',
      frames: [{ functionName: 'rethrow', url: 'file:///a/agent.mjs', line: 73, column: 5, locals: { attempt: 3 } }],
    };
    const frames = errorFrames(payload);
    expect(frames.map((f) => [f.functionName, f.locals, f.localsLine])).toEqual([
      ['rethrow', { attempt: 3 }, 73],
      ['main', undefined, undefined],
      ['', undefined, undefined],
    ]);
    expect(defaultFrame(frames)).toBe(0);
  });

  it('does not give one captured frame to two printed frames of the same function (recursion)', () => {
    const payload: ErrorPayload = {
      origin: 'uncaughtException',
      name: 'Error',
      message: 'deep',
      stack: 'Error: deep\n    at walk (file:///a/t.mjs:4:11)\n    at walk (file:///a/t.mjs:5:3)',
      frames: [{ functionName: 'walk', url: 'file:///a/t.mjs', line: 4, column: 11, locals: { depth: 2 } }],
    };
    expect(errorFrames(payload).map((f) => f.locals)).toEqual([{ depth: 2 }, undefined]);
  });

  it('a value thrown without a stack shows the captured frames', () => {
    const frames = errorFrames({ origin: 'uncaughtException', name: 'object', message: '{}', frames: [{ functionName: 'tick', url: 'file:///a/x.mjs', line: 2, column: 5, locals: { n: 1 } }] });
    expect(frames).toEqual([{ functionName: 'tick', url: 'file:///a/x.mjs', line: 2, column: 5, kind: 'own', async: false, locals: { n: 1 } }]);
  });
});

describe('foldFrames', () => {
  it('keeps own frames and folds each run of library and internal frames', () => {
    const rows = foldFrames(parseStackText(STACK));
    expect(rows.map((r) => (r.type === 'frame' ? r.frame.functionName : `${r.frames.length} folded at ${r.indexes.join(',')}`))).toEqual(['3 folded at 0,1,2', 'describeCity', 'loop']);
    expect(defaultFrame(parseStackText(STACK))).toBe(3);
  });

  it('no frames: nothing to open', () => {
    expect(foldFrames([])).toEqual([]);
    expect(defaultFrame([])).toBeUndefined();
  });
});

describe('sourceWindow', () => {
  const text = 'l1\nl2\nl3\nl4\nl5\nl6\n';
  it('clips the context at the file edges', () => {
    expect(sourceWindow(text, 2, 2)).toEqual({ first: 1, lines: ['l1', 'l2', 'l3', 'l4'] });
    expect(sourceWindow(text, 6, 1)).toEqual({ first: 5, lines: ['l5', 'l6'] });
  });
  it('a line past the end gives no lines', () => {
    expect(sourceWindow(text, 40, 2).lines).toEqual([]);
  });
});
