import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FixReport } from '../../shared/afe/types.js';
import { AtrError } from '../errors.js';
import { getFix, saveFix } from '../store/fixStore.js';
import { openStore } from '../store/store.js';
import { removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { applyFix, undoFix } from './apply.js';
import { sha256 } from './sourceFiles.js';

afterAll(removeTmpHomes);

function setup(text: string): { file: string; store: ReturnType<typeof openStore>; report: FixReport } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-apply-'));
  const file = path.join(dir, 'agent.mjs');
  fs.writeFileSync(file, text, { mode: 0o640 });
  const store = openStore({ home: tmpHome(), env: {} });
  const after = text.replace('JSON.parse(reply)', 'parseJsonLoose(reply)');
  const report: FixReport = {
    id: 'fix-0123456789',
    runId: 'run-a',
    createdAt: 1,
    status: 'done',
    candidates: [
      {
        n: 1,
        strategy: 'code_patch',
        source: 'heuristic',
        title: 'Tolerant JSON parse',
        rationale: 'r',
        files: [{ path: file, sha256: sha256(fs.readFileSync(file)), before: text, after, diff: '-x\n+y\n' }],
        verdict: 'fixed',
        verdictDetail: 'ran clean',
        score: { confidence: 1, size: 1, validation: 1, history: 0.5, safety: 1, specificity: 1, total: 0.9 },
      },
      { n: 2, strategy: 'config_change', source: 'heuristic', title: 'Check the key', rationale: 'r', files: [], verdict: 'needs_you', verdictDetail: 'set OPENAI_API_KEY', score: { confidence: 0, size: 0, validation: 0, history: 0, safety: 0, specificity: 0, total: 0 } },
    ],
    ai: { used: false },
    replays: 2,
  };
  saveFix(store, report);
  return { file, store, report };
}

describe('fix apply / undo', () => {
  it('apply writes the candidate, keeps the mode, and undo restores the exact bytes', () => {
    const text = 'const reply = "x";\r\nconst data = JSON.parse(reply);\r\nconsole.log(data) // no newline at end';
    const { file, store } = setup(text);
    const before = fs.readFileSync(file);
    const r = applyFix(store, 'fix-01234');
    expect(r.files).toEqual([file]);
    expect(fs.readFileSync(file, 'utf8')).toContain('parseJsonLoose(reply)');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(getFix(store, 'fix-0123456789').applied?.n).toBe(1);
    expect(() => applyFix(store, 'fix-0123456789')).toThrow(/already applied/);
    undoFix(store, 'fix-0123456789');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(getFix(store, 'fix-0123456789').applied).toBeUndefined();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['agent.mjs']);
    store.close();
  });

  it('refuses a stale file (sha mismatch) with ATR_FIX_STALE and writes nothing', () => {
    const { file, store } = setup('const data = JSON.parse(reply);\n');
    fs.appendFileSync(file, '// edited since\n');
    const edited = fs.readFileSync(file);
    let err: unknown;
    try {
      applyFix(store, 'fix-0123456789/1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtrError);
    expect((err as AtrError).code).toBe('ATR_FIX_STALE');
    expect((err as AtrError).message).toMatch(/changed since the fix was computed/);
    expect(fs.readFileSync(file).equals(edited)).toBe(true);
    store.close();
  });

  it('undo refuses when the file was edited after the apply', () => {
    const { file, store } = setup('const data = JSON.parse(reply);\n');
    applyFix(store, 'fix-0123456789');
    fs.appendFileSync(file, '// my later edit\n');
    expect(() => undoFix(store, 'fix-0123456789')).toThrow(/changed since the fix was applied/);
    expect(fs.readFileSync(file, 'utf8')).toContain('my later edit');
    store.close();
  });

  it('a needs-you candidate cannot be applied; an unknown candidate is a clear error', () => {
    const { store } = setup('const data = JSON.parse(reply);\n');
    expect(() => applyFix(store, 'fix-0123456789/2')).toThrow(/changes no file/);
    expect(() => applyFix(store, 'fix-0123456789/9')).toThrow(/has no candidate 9/);
    expect(() => applyFix(store, 'fix-ffff')).toThrow(/no fix with id/);
    store.close();
  });

  it('never applies a report that came from a trace file', () => {
    const { file, store, report } = setup('const data = JSON.parse(reply);\n');
    const before = fs.readFileSync(file);
    saveFix(store, { ...report, importedAt: 2 });
    expect(() => applyFix(store, 'fix-0123456789')).toThrow(/came from a trace file/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    store.close();
  });

  it('a key written in the script stays as it is: the change is carried over the real bytes, and undone exactly', () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
    const { file, store } = setup(`const key = "${key}";\nconst data = JSON.parse(reply);\n`);
    const before = fs.readFileSync(file);
    // The report keeps the texts masked: no secret reaches the store.
    expect(JSON.stringify(getFix(store, 'fix-0123456789'))).not.toContain(key);
    applyFix(store, 'fix-0123456789');
    expect(fs.readFileSync(file, 'utf8')).toBe(`const key = "${key}";\nconst data = parseJsonLoose(reply);\n`);
    undoFix(store, 'fix-0123456789');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    store.close();
  });

  it('refuses a change that would rewrite a line holding a secret, and writes nothing', () => {
    const { file, store } = setup('const data = JSON.parse(reply); // key sk-proj-abcdefghijklmnopqrstuvwxyz012345\n');
    const before = fs.readFileSync(file);
    expect(() => applyFix(store, 'fix-0123456789')).toThrow(/cannot change line 1 of .* it holds a secret/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    store.close();
  });

});
