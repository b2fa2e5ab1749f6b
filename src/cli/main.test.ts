/** The command table: every command listed by `--help` loads on demand and is the command it is listed as. */
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { memoryPrinter } from './printer.js';

describe('agenttrace command table', () => {
  it('lists every command once, and `help <name>` loads that command', async () => {
    const top = memoryPrinter();
    expect(await main(['--help'], { printer: top, env: {} })).toBe(0);
    const listed = [...top.stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]);
    expect(listed).toEqual(['record', 'list', 'show', 'replay', 'test', 'branch', 'fix', 'diff', 'export', 'import', 'open', 'tape', 'ui']);
    for (const name of listed) {
      const p = memoryPrinter();
      expect(await main(['help', name], { printer: p, env: {} })).toBe(0);
      expect(p.stdout).toContain(`Usage: agenttrace ${name}`);
    }
  });

  it('an unknown command is a usage error naming the commands', async () => {
    const p = memoryPrinter();
    expect(await main(['constructor'], { printer: p, env: {} })).toBe(2);
    expect(p.stderr).toMatch(/^agenttrace: unknown command "constructor" \(commands: record, list, show, .*\)\n$/);
  });
});
