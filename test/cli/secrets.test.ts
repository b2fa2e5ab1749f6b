/** Secret scan: record with recognisable fake keys, then no byte of the store files may contain them. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, lastJsonLine, runCli, tmpHome, removeHomes } from './cliHarness.js';
import { scanTexts } from '../helpers/secretScan.js';

afterAll(removeHomes);

const KEY = 'acme-live-9f8e7d6c5b4a39281706';
const LEAKS = [KEY, 'sk-proj-FAKEFAKEFAKE1234567890', 'gsk_FAKEFAKEFAKE0987654321'];

function scan(dir: string): string[] {
  const hits: string[] = [];
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const f = path.join(dir, name);
    if (!fs.statSync(f).isFile()) continue;
    const texts = scanTexts(f);
    for (const s of LEAKS) if (texts.some((t) => t.includes(s))) hits.push(`${name}: ${s}`);
  }
  return hits;
}

describe('secrets', () => {
  it('never reach the store files (db, wal, shm, journals), while the agent output stays unchanged', async () => {
    const home = tmpHome();
    const r = await runCli(['record', 'test/agents/cli-secrets.mjs', '--json', '--', `--token=${KEY}`], { home, env: { ACME_API_KEY: KEY } });
    expect(r.code).toBe(0);
    // Pass-through is untouched: the agent's own output is the user's business.
    expect(r.stdout).toContain(`using key ${KEY}`);
    expect(r.stderr).toContain('sk-proj-FAKEFAKEFAKE1234567890');
    const { id } = lastJsonLine<{ id: string }>(r.stdout);
    const shown = await cliJson<{ run: { argv: string[]; env: Record<string, string> }; events: TraceEvent[] }>(['show', id, '--json'], { home });
    expect(shown.run.argv).toEqual(['--token=***']);
    expect(shown.events.find((e) => e.kind === 'step')?.payload).toEqual({ name: 'auth', input: { header: 'Bearer ***', apiKey: '***' } });
    // Scan while the files are as the CLI left them (WAL not necessarily checkpointed).
    expect(scan(home)).toEqual([]);
  });
});
