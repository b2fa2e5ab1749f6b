/** Stored failures in a real SQLite store: round trip, clearing, classes for list, lookup by class, masking. */
import { dbOf } from './handle.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../shared/afe/types.js';
import { failureClasses, getFailure, runsWithFailure, saveFailure } from './failureStore.js';
import { openStore } from './store.js';
import { journal, meta, removeTmpHomes, tmpHome } from './testJournal.js';

afterAll(removeTmpHomes);

const failure = (cls: Failure['class'], message: string): Failure => ({
  class: cls,
  summary: `${cls}: ${message}`,
  seq: 1,
  evidence: [{ kind: 'error', seq: 1, label: message }],
  suspects: [{ seq: 0, kind: 'llm', reason: 'the call failed' }],
  error: { name: 'Error', message },
});

describe('failureStore', () => {
  it('saves, reads, lists by class and clears; secrets never reach the file', () => {
    const secret = 'sk-live-failure-store-0123456789';
    const s = openStore({ home: tmpHome(), env: { OPENAI_API_KEY: secret } });
    try {
      for (const [i, id] of ['a', 'b', 'c'].entries()) s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id, { startedAt: 1000 + i }) }));
      saveFailure(s, 'a', failure('rate_limit', `429 for key ${secret}`));
      saveFailure(s, 'b', failure('bad_json', 'Unexpected token'));
      saveFailure(s, 'c', failure('rate_limit', '429 again'));
      saveFailure(s, 'missing-run', failure('auth', 'nobody'));

      const a = getFailure(s, 'a');
      expect(a).toMatchObject({ class: 'rate_limit', suspects: [{ seq: 0, kind: 'llm' }] });
      expect(a?.error?.message).not.toContain(secret);
      const raw = dbOf(s).prepare("SELECT failure_class, failure FROM runs WHERE id = 'a'").get() as { failure_class: string; failure: string };
      expect(raw.failure_class).toBe('rate_limit');
      expect(raw.failure).not.toContain(secret);

      expect([...failureClasses(s, ['a', 'b', 'c', 'zz']).entries()]).toEqual([
        ['a', 'rate_limit'],
        ['b', 'bad_json'],
        ['c', 'rate_limit'],
      ]);
      expect(runsWithFailure(s, 'rate_limit')).toEqual(['c', 'a']);
      expect(runsWithFailure(s, 'rate_limit', { limit: 1 })).toEqual(['c']);

      saveFailure(s, 'b', null);
      expect(getFailure(s, 'b')).toBeUndefined();
      expect(failureClasses(s, ['b']).size).toBe(0);
      expect(getFailure(s, 'missing-run')).toBeUndefined();
    } finally {
      s.close();
    }
  });
});
