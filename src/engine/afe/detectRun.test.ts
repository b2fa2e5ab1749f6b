/**
 * The shortcut after a clean recording: a run whose journal showed no failure sign (JournalIngestor.sawFailureSigns)
 * is not read back for detection. These journals go through a real store and the real detector, so the shortcut is
 * held to what detection finds: no sign must mean no failure.
 */
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { getFailure, saveFailure } from '../store/failureStore.js';
import { journal, meta } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { detectAfterRun, detectRun } from './detectRun.js';

const { open } = testStores('atr-detect-');

const URL_ = 'https://api.openai.com/v1/chat/completions';
const request = { method: 'POST', url: URL_, headers: {} };
const call = (seq: number, fp = `fp-${seq}`): JournalLine => ({ t: 'ev', seq, kind: 'llm', ts: 1000 + seq, fp, payload: { layer: 'fetch', provider: 'openai', stream: false, request } });
const answer = (seq: number, status: number, body: unknown = {}): JournalLine => ({ t: 'patch', seq, payload: { response: { status, headers: {}, body: { text: JSON.stringify(body) } }, durationMs: 5 } });
const netError = (seq: number): JournalLine => ({ t: 'patch', seq, payload: { error: { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' } } });
const exitOk = (seq: number): JournalLine[] => [
  { t: 'ev', seq, kind: 'exit', ts: 1000 + seq, payload: { code: 0, signal: null } },
  { t: 'end', status: 'ok', exit: { code: 0, signal: null }, endedAt: 2000 + seq, steps: seq + 1 },
];

/**
 * Journals of runs that all exit 0: `failed`, whether detection finds a failure in them; `signs`, whether the
 * ingestor notes a failure sign (a recovered 429 is one: a sign is only a reason to look).
 */
const CASES: { name: string; lines: JournalLine[]; failed: boolean; signs: boolean }[] = [
  { name: 'two answered calls', lines: [call(0), answer(0, 200), call(1), answer(1, 200), ...exitOk(2)], failed: false, signs: false },
  { name: 'a 429 a retry recovered', lines: [call(0, 'same'), answer(0, 429, { error: { code: 'rate_limit_exceeded' } }), call(1, 'same'), answer(1, 200), ...exitOk(2)], failed: false, signs: true },
  { name: 'a swallowed 503', lines: [call(0), answer(0, 503, { error: { type: 'server_error' } }), ...exitOk(1)], failed: true, signs: true },
  { name: 'a swallowed network error', lines: [call(0), netError(0), ...exitOk(1)], failed: true, signs: true },
  { name: 'a call whose error came with its event', lines: [{ ...(call(0) as Extract<JournalLine, { t: 'ev' }>), payload: { layer: 'fetch', provider: 'openai', stream: false, request, error: { name: 'AbortError', message: 'aborted' } } }, ...exitOk(1)], failed: true, signs: true },
];

describe('detection after a clean recording', () => {
  for (const c of CASES) {
    it(`${c.name}: failure ${c.failed ? 'found' : 'none'}, signs ${c.signs ? 'seen' : 'absent'}`, () => {
      const s = open();
      const id = `run-${c.name.replace(/\W+/g, '-')}`;
      const ing = s.ingestor(id);
      ing.ingestText(journal({ t: 'run', meta: meta(id) }, ...c.lines));
      expect(ing.isBranch).toBe(false);
      const found = detectRun(s, id);
      expect(found !== null).toBe(c.failed);
      expect(ing.sawFailureSigns).toBe(c.signs);
    });
  }

  it('an error event and an unreadable line are signs too', () => {
    const s = open();
    const a = s.ingestor('with-error');
    a.ingestText(journal({ t: 'run', meta: meta('with-error') }, { t: 'ev', seq: 0, kind: 'error', ts: 1, payload: { origin: 'uncaughtException', name: 'Error', message: 'x', stack: 'Error: x' } }));
    expect(a.sawFailureSigns).toBe(true);
    const b = s.ingestor('bad-line');
    b.ingestText(journal({ t: 'run', meta: meta('bad-line') }) + '{not json\n');
    expect(b.sawFailureSigns).toBe(true);
  });

  it('a clean run ends with no failure stored (an earlier one cleared) without being read back', () => {
    const s = open();
    s.ingestor('failing').ingestText(journal({ t: 'run', meta: meta('failing') }, ...CASES[2].lines));
    const earlier = detectRun(s, 'failing');
    s.ingestor('clean').ingestText(journal({ t: 'run', meta: meta('clean') }, call(0), answer(0, 200), ...exitOk(1)));
    expect(earlier && saveFailure(s, 'clean', earlier)).toBe(true);
    expect(getFailure(s, 'clean')).toBeDefined();
    expect(detectAfterRun(s, 'clean', true)).toEqual({ failure: null });
    expect(getFailure(s, 'clean')).toBeUndefined();
  });
});
