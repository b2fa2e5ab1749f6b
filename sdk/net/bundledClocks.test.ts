// The Date.now() patch's one question while fetches are pending, answered by one stack capture: is this read the
// bundled fetch's own end-of-body read (kept off the tape: see fetchBodyless.test.ts for the real fetch paths), else
// did a client library make it (the recorder marks the value with this answer instead of capturing again)?
import { afterAll, expect, it } from 'vitest';
import { fakePackages } from '../../test/helpers/fakePackage.js';
import { clockReadCaller, finaleWatch } from './bundledClocks.js';

const packages = fakePackages();
afterAll(() => packages.remove());

it('tells a client library’s clock read from the agent’s and from other packages’, leaving pending fetches pending', () => {
  finaleWatch.pending = 2;
  try {
    expect(packages.callerIn<string>('openai')(clockReadCaller)).toBe('library');
    expect(packages.callerIn<string>('groq-sdk')(clockReadCaller)).toBe('library');
    expect(packages.callerIn<string>('left-pad')(clockReadCaller)).toBe('other');
    expect(clockReadCaller()).toBe('other');
    expect(finaleWatch.pending).toBe(2);
  } finally {
    finaleWatch.pending = 0;
  }
});
