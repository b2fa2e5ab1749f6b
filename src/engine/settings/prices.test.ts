import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../shared/model/pricing.js';
import { removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { loadPrices, pricesFile } from './prices.js';

afterAll(removeTmpHomes);

function homeWith(text: string | undefined): string {
  const home = tmpHome('atr-prices-');
  if (text !== undefined) fs.writeFileSync(pricesFile(home), text);
  return home;
}

describe('loadPrices', () => {
  it('uses the built-in prices when there is no file, silently', () => {
    expect(loadPrices(homeWith(undefined))).toEqual({ table: DEFAULT_PRICES });
  });

  it('extends and overrides the built-in prices with the user file', () => {
    const { table, warning } = loadPrices(homeWith(JSON.stringify({ 'my-model': { input: 3, output: 4 }, 'gpt-4o': { input: 1, output: 1 } })));
    expect(warning).toBeUndefined();
    expect(table['my-model']).toEqual({ input: 3, output: 4 });
    expect(table['gpt-4o']).toEqual({ input: 1, output: 1 });
    expect(table['gpt-4o-mini']).toEqual(DEFAULT_PRICES['gpt-4o-mini']);
  });

  it('falls back to the defaults with one warning line for a file that is not JSON or not an object', () => {
    for (const text of ['{"my-model": {"input": 1,', '[1, 2]', '"gpt-4o"']) {
      const home = homeWith(text);
      const { table, warning } = loadPrices(home);
      expect(table).toEqual(DEFAULT_PRICES);
      expect(warning).toContain(pricesFile(home));
      expect(warning).toContain('using the built-in prices');
      expect(warning).not.toContain('\n');
    }
  });

  it('skips only the malformed entries, naming them in one line', () => {
    const { table, warning } = loadPrices(homeWith(JSON.stringify({ good: { input: 1, output: 2 }, bad: { input: 'cheap' }, neg: { input: -1, output: 1 } })));
    expect(table.good).toEqual({ input: 1, output: 2 });
    expect(table.bad).toBeUndefined();
    expect(table.neg).toBeUndefined();
    expect(warning).toMatch(/"bad".*"neg".*those entries are ignored/);
    expect(warning).not.toContain('\n');
  });
});
