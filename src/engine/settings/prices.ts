/**
 * The price table in effect: the built-in prices (src/shared/model/pricing.ts) extended and overridden by the user's
 * `$AGENTTRACE_HOME/prices.json`, `{"model": {"input": <USD per 1M tokens>, "output": <USD per 1M tokens>}}`.
 * A missing file is normal; a broken one never stops a command: it yields one warning line and the defaults are
 * used (for a bad entry, only that entry is skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PRICES, mergePrices, type PriceTable } from '../../shared/model/pricing.js';

export const PRICES_FILE_NAME = 'prices.json';

/** The user's price file in an AgentTrace home. */
export function pricesFile(home: string): string {
  return path.join(home, PRICES_FILE_NAME);
}

export interface LoadedPrices {
  table: PriceTable;
  /** One line describing what was wrong with the user's file (undefined when it was fine or absent). */
  warning?: string;
}

/** Reads the price table for `home`. Never throws. */
export function loadPrices(home: string): LoadedPrices {
  const file = pricesFile(home);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { table: { ...DEFAULT_PRICES } };
    return { table: { ...DEFAULT_PRICES }, warning: `${file}: cannot be read (${(e as Error).message}); using the built-in prices` };
  }
  let user: unknown;
  try {
    user = JSON.parse(text);
  } catch (e) {
    return { table: { ...DEFAULT_PRICES }, warning: `${file} is not valid JSON (${(e as Error).message}); using the built-in prices` };
  }
  const { table, problems } = mergePrices(user);
  if (problems.length === 0) return { table };
  const shown = problems.slice(0, 2).join('; ') + (problems.length > 2 ? `; and ${problems.length - 2} more` : '');
  const whole = !user || typeof user !== 'object' || Array.isArray(user);
  return { table, warning: `${file}: ${shown}; ${whole ? 'using the built-in prices' : 'those entries are ignored'}` };
}
