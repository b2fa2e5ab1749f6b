/**
 * The modernizer chain with made-up versions: a file of any older version reaches the current one through every
 * step in order; newer and too-old versions are refused; a broken chain is a programming error.
 */
import { describe, expect, it } from 'vitest';
import { TRACE_FILE_CHAIN, TRACE_FILE_VERSION } from './format.js';
import { currentVersion, modernizeHeader, modernizeRecord, stepsFrom, type FileRecord, type FormatChain, type Modernizer } from './modernize.js';

// v3 -> v4 renames `t` to `r`; v4 -> v5 splits a `pair` record into two `one` records and stamps the header.
const modernize_3_to_4: Modernizer = {
  from: 3,
  header: (h) => ({ ...h, version: 4 }),
  record: ({ t, ...rest }) => [{ r: t, ...rest }],
};
const modernize_4_to_5: Modernizer = {
  from: 4,
  header: (h) => ({ ...h, version: 5, stamped: true }),
  record: (r) => (r.r === 'pair' ? [{ r: 'one', v: (r.v as number[])[0] }, { r: 'one', v: (r.v as number[])[1] }] : [r]),
};
const chain: FormatChain = { first: 3, steps: [modernize_3_to_4, modernize_4_to_5] };

describe('trace file modernizer chain', () => {
  it('the production chain ends at the version an export writes', () => {
    expect(currentVersion(TRACE_FILE_CHAIN)).toBe(TRACE_FILE_VERSION);
    expect(stepsFrom(TRACE_FILE_CHAIN, TRACE_FILE_VERSION)).toEqual({ ok: true, steps: [] });
  });

  it('runs an old file through every step, in order, records may split', () => {
    const check = stepsFrom(chain, 3);
    if (!check.ok) throw new Error('expected v3 to be readable');
    expect(check.steps).toEqual([modernize_3_to_4, modernize_4_to_5]);
    expect(modernizeHeader({ magic: 'agenttrace', version: 3 }, check.steps)).toEqual({ magic: 'agenttrace', version: 5, stamped: true });
    const recs: FileRecord[] = [{ t: 'pair', v: [1, 2] }, { t: 'end' }];
    expect(recs.flatMap((r) => modernizeRecord(r, check.steps))).toEqual([{ r: 'one', v: 1 }, { r: 'one', v: 2 }, { r: 'end' }]);
  });

  it('a file of an intermediate version only runs the steps after it; the current version runs none', () => {
    const from4 = stepsFrom(chain, 4);
    expect(from4.ok && from4.steps).toEqual([modernize_4_to_5]);
    expect(modernizeRecord({ r: 'pair', v: [7, 8] }, from4.ok ? from4.steps : [])).toEqual([{ r: 'one', v: 7 }, { r: 'one', v: 8 }]);
    const from5 = stepsFrom(chain, 5);
    expect(from5.ok && from5.steps).toEqual([]);
  });

  it('refuses newer versions and versions older than the chain', () => {
    expect(stepsFrom(chain, 6)).toEqual({ ok: false, newer: true });
    expect(stepsFrom(chain, 2)).toEqual({ ok: false, newer: false });
    expect(stepsFrom(chain, 3.5)).toEqual({ ok: false, newer: false });
  });

  it('a chain with a gap is a programming error', () => {
    expect(() => stepsFrom({ first: 3, steps: [modernize_4_to_5] }, 3)).toThrow(/converts from 4, expected 3/);
  });
});
