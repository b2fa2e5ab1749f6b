import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fakePackages } from '../../test/helpers/fakePackage.js';
import { CHECKS_PER_TICK, LIBRARY_SCRIPT, calledByLibrary, disableLibraryChecks, libraryChecks, refillLibraryChecks, withKnownCaller } from './libraryCaller.js';

// Functions of fake packages on disk: they ask for a value the way openai's request code draws a log id.
const packages = fakePackages();
const openaiDraw = packages.callerIn<boolean>('openai');
const otherDraw = packages.callerIn<boolean>('left-pad');
afterAll(() => packages.remove());
beforeEach(() => refillLibraryChecks());

describe('calledByLibrary', () => {
  it('is true for a draw asked for by a client package, false for the agent and for other packages', () => {
    expect(openaiDraw(calledByLibrary)).toBe(true);
    expect(calledByLibrary()).toBe(false);
    expect(otherDraw(calledByLibrary)).toBe(false);
  });

  it('spends one check per call and answers false once the tick has none left (a hot loop pays nothing more)', () => {
    for (let i = 0; i < CHECKS_PER_TICK - 1; i++) calledByLibrary();
    expect(libraryChecks.left).toBe(1);
    expect(openaiDraw(calledByLibrary)).toBe(true);
    expect(libraryChecks.left).toBe(0);
    expect(openaiDraw(calledByLibrary)).toBe(false);
    refillLibraryChecks();
    expect(openaiDraw(calledByLibrary)).toBe(true);
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
    expect(libraryChecks.left).toBe(CHECKS_PER_TICK - 1);
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
