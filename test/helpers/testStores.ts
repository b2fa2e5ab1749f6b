/**
 * Throwaway stores for one test file: real SQLite files in tmp homes, closed after each test, their homes removed
 * after the file. It lives here and not beside tmpHome (src/engine/store/testJournal.ts) because it registers vitest
 * hooks, which the layer table keeps out of src/engine's non-test modules (and the benches import testJournal).
 */
import { afterAll, afterEach } from 'vitest';
import { openStore, type OpenStoreOptions, type TraceStore } from '../../src/engine/store/store.js';
import { removeTmpHomes, tmpHome } from '../../src/engine/store/testJournal.js';

export interface TestStores {
  /** Opens a store in `home` (default a fresh tmp home), masking with an empty env unless `opts.env` is given. */
  open: (home?: string, opts?: Omit<OpenStoreOptions, 'home'>) => TraceStore;
  /** Closes `s` now, within the test (before its home is reopened), so the end of the test does not close it again. */
  close: (s: TraceStore) => void;
}

/**
 * Call once at the top of a test file. The stores `open` returns are closed after each test in the order they were
 * opened; the tmp homes (every tmpHome of the file) are removed after the file. Vitest runs "after" hooks in reverse
 * order of registration, so an afterEach the file registers after this call (stopping what still uses a store) runs
 * before the stores close.
 * @param prefix name prefix of the tmp homes `open` creates when given none
 */
export function testStores(prefix?: string): TestStores {
  const opened: TraceStore[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
  });
  afterAll(removeTmpHomes);
  return {
    open: (home = tmpHome(prefix), opts = {}) => {
      const s = openStore({ env: {}, ...opts, home });
      opened.push(s);
      return s;
    },
    close: (s) => {
      s.close();
      const i = opened.indexOf(s);
      if (i >= 0) opened.splice(i, 1);
    },
  };
}
