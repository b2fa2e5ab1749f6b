import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fakePackages } from '../../test/helpers/fakePackage.js';
import { CHECK_MS_PER_TICK, CHECK_MS_STORED, LIBRARY_SCRIPT, calledByLibrary, disableLibraryChecks, libraryChecks, refillLibraryChecks, withKnownCaller } from './libraryCaller.js';

// Functions of fake packages on disk: they ask for a value the way openai's request code draws a log id.
const packages = fakePackages();
const openaiDraw = packages.callerIn<boolean>('openai');
const otherDraw = packages.callerIn<boolean>('left-pad');
afterAll(() => packages.remove());
beforeEach(() => {
  libraryChecks.left = CHECK_MS_STORED;
});

describe('calledByLibrary', () => {
  it('is true for a draw asked for by a client package, false for the agent and for other packages', () => {
    expect(openaiDraw(calledByLibrary)).toBe(true);
    expect(calledByLibrary()).toBe(false);
    expect(otherDraw(calledByLibrary)).toBe(false);
  });

  it('spends the time each check takes and answers false once the budget is spent (a hot loop pays nothing more)', () => {
    expect(libraryChecks.left).toBe(CHECK_MS_STORED);
    expect(openaiDraw(calledByLibrary)).toBe(true);
    const spent = CHECK_MS_STORED - libraryChecks.left;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(1);
    libraryChecks.left = 1e-9;
    expect(openaiDraw(calledByLibrary)).toBe(true);
    expect(libraryChecks.left).toBeLessThan(0);
    expect(openaiDraw(calledByLibrary)).toBe(false);
    // A tick adds 1% of its 25 ms; what was not spent is kept, up to what a run starts with.
    libraryChecks.left = 0;
    refillLibraryChecks();
    expect(libraryChecks.left).toBe(CHECK_MS_PER_TICK);
    expect(openaiDraw(calledByLibrary)).toBe(true);
    for (let i = 0; i < 20; i++) refillLibraryChecks();
    expect(libraryChecks.left).toBe(CHECK_MS_STORED);
  });

  it('asks nothing once disabled (a pure replay): refills no longer give checks', () => {
    try {
      disableLibraryChecks();
      expect(openaiDraw(calledByLibrary)).toBe(false);
      refillLibraryChecks();
      expect(libraryChecks.left).toBe(0);
      expect(openaiDraw(calledByLibrary)).toBe(false);
    } finally {
      libraryChecks.off = false;
    }
  });

  it('takes a caller a patch already knows (withKnownCaller) without a capture, even with no check left, for one draw only', () => {
    libraryChecks.left = 0;
    expect(withKnownCaller(true, () => calledByLibrary())).toBe(true);
    expect(withKnownCaller(false, () => openaiDraw(calledByLibrary))).toBe(false);
    expect(libraryChecks.left).toBe(0);
    // The answer is used once, and is gone after the draw even when the draw did not ask.
    expect(withKnownCaller(true, () => [calledByLibrary(), calledByLibrary()])).toEqual([true, false]);
    withKnownCaller(true, () => undefined);
    refillLibraryChecks();
    expect(calledByLibrary()).toBe(false);
    expect(libraryChecks.left).toBeLessThan(CHECK_MS_PER_TICK);
    try {
      disableLibraryChecks();
      expect(withKnownCaller(true, () => calledByLibrary())).toBe(false);
    } finally {
      libraryChecks.off = false;
    }
  });

  it("leaves the agent's own prepareStackTrace and stack limit as they were", () => {
    const E = Error as ErrorConstructor & { prepareStackTrace?: unknown };
    const prep = E.prepareStackTrace;
    const limit = E.stackTraceLimit;
    const mine = (): string => 'mine';
    E.prepareStackTrace = mine;
    E.stackTraceLimit = 3;
    try {
      expect(openaiDraw(calledByLibrary)).toBe(true);
      expect(E.prepareStackTrace).toBe(mine);
      expect(E.stackTraceLimit).toBe(3);
      expect(new Error('x').stack).toBe('mine');
    } finally {
      E.prepareStackTrace = prep;
      E.stackTraceLimit = limit;
    }
  });

  it('knows client packages by path and by file URL, npm aliases included', () => {
    expect(LIBRARY_SCRIPT.test('/app/node_modules/openai/core.js')).toBe(true);
    expect(LIBRARY_SCRIPT.test('file:///app/node_modules/groq-sdk/core.mjs')).toBe(true);
    expect(LIBRARY_SCRIPT.test('C:\\app\\node_modules\\@anthropic-ai\\sdk\\core.js')).toBe(true);
    expect(LIBRARY_SCRIPT.test('/app/node_modules/openai-v4/core.js')).toBe(true);
    expect(LIBRARY_SCRIPT.test('/app/node_modules/openai-helpers/x.js')).toBe(false);
    expect(LIBRARY_SCRIPT.test('/app/src/openai/client.js')).toBe(false);
  });
});
