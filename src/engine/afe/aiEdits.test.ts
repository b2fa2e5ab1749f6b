import { describe, expect, it } from 'vitest';
import { applyEdit, buildAiCandidates, resolveEditPath, type EditableFile } from './aiEdits.js';
import { promptMasker } from './aiMask.js';
import { parseAiAnswer } from './aiSchema.js';

const text = ['function a() {', '  return 1;', '}', '', 'function b() {', '  return 1;', '}', "const key = 'gsk_realSECRETvalue123';", ''].join('\n');

describe('applyEdit', () => {
  it('replaces a unique exact match and refuses an ambiguous or missing one', () => {
    expect(applyEdit(text, { search: 'function a() {\n  return 1;', replace: 'function a() {\n  return 2;' }, 'f.js')).toEqual({
      ok: true,
      text: text.replace('function a() {\n  return 1;', 'function a() {\n  return 2;'),
    });
    expect(applyEdit(text, { search: '  return 1;', replace: 'x' }, 'f.js')).toEqual({ ok: false, reason: 'search text occurs 2 times in f.js' });
    expect(applyEdit(text, { search: 'nowhere', replace: 'x' }, 'f.js')).toEqual({ ok: false, reason: 'search text not found in f.js' });
    expect(applyEdit(text, { search: ' \n', replace: 'x' }, 'f.js')).toEqual({ ok: false, reason: 'an edit of f.js has an empty search text' });
  });

  it('matches *** against the masked text and puts the real text back', () => {
    const r = applyEdit(text, { search: "const key = '***';", replace: "const key = '***'; // checked" }, 'f.js');
    expect(r).toEqual({ ok: true, text: text.replace("'gsk_realSECRETvalue123';", "'gsk_realSECRETvalue123'; // checked") });
    expect(applyEdit(text, { search: "const key = '***';", replace: "const key = '***' + '***';" }, 'f.js')).toEqual({
      ok: false,
      reason: 'an edit of f.js would write a masked placeholder (***)',
    });
  });

  it('tolerates re-indented lines and copied line numbers', () => {
    const r = applyEdit(text, { search: 'function b() {\nreturn 1;', replace: 'function b() {\n  return 3;' }, 'f.js');
    expect(r.ok && r.text).toBe(text.replace('function b() {\n  return 1;', 'function b() {\n  return 3;'));
    const n = applyEdit(text, { search: '   5 | function b() {\n>  6 |   return 1;', replace: '   5 | function b() {\n>  6 |   return 4;' }, 'f.js');
    expect(n.ok && n.text).toBe(text.replace('function b() {\n  return 1;', 'function b() {\n  return 4;'));
  });
});

describe('buildAiCandidates', () => {
  const files: EditableFile[] = [
    { path: '/w/src/agent.ts', shown: 'src/agent.ts', text: 'const n: number = 1;\r\nconsole.log(n);\r\n' },
    { path: '/w/util.cjs', shown: 'util.cjs', text: 'module.exports = 1;\n' },
  ];
  const mask = promptMasker({});
  const cand = (edits: { path: string; search: string; replace: string }[], title = 't') => ({ strategy: 'code_patch' as const, title, rationale: 'r', edits });

  it('resolves paths as shown, absolute or relative to the run folder', () => {
    expect(resolveEditPath('./src/agent.ts', files, '/w')?.path).toBe('/w/src/agent.ts');
    expect(resolveEditPath('/w/util.cjs', files, '/w')?.path).toBe('/w/util.cjs');
    expect(resolveEditPath('../w/util.cjs', files, '/w/src')).toBeUndefined();
  });

  it('returns full texts, keeps CRLF, checks TS syntax and drops no-ops and foreign files', async () => {
    const { candidates, notes } = await buildAiCandidates(
      [
        cand([{ path: 'src/agent.ts', search: 'console.log(n);', replace: 'console.log(n + 1);' }], 'good'),
        cand([{ path: 'src/agent.ts', search: 'const n: number = 1;', replace: 'const n: number = ;' }], 'broken'),
        cand([{ path: 'util.cjs', search: 'module.exports = 1;', replace: 'module.exports = 1;' }], 'noop'),
        cand([{ path: 'other.js', search: 'a', replace: 'b' }], 'foreign'),
      ],
      files,
      '/w',
      mask,
    );
    expect(candidates).toEqual([{ strategy: 'code_patch', title: 'good', rationale: 'r', files: [{ path: '/w/src/agent.ts', after: 'const n: number = 1;\r\nconsole.log(n + 1);\r\n' }] }]);
    expect(notes).toEqual([
      'AI candidate 2 ("broken") dropped: src/agent.ts no longer parses (line 1: Expression expected.)',
      'AI candidate 3 ("noop") dropped: it changes nothing',
      'AI candidate 4 ("foreign") dropped: it edits a file that was not given (other.js)',
    ]);
  });
});

describe('parseAiAnswer', () => {
  it('accepts a fenced document, drops malformed candidates with a note and clips long titles', () => {
    const doc = {
      explanation: 'why',
      candidates: [
        { strategy: 'code_patch', title: 'x'.repeat(300), edits: [{ path: 'a.js', search: 'a', replace: 'b' }] },
        { strategy: 'magic', title: 't', edits: [{ path: 'a.js', search: 'a', replace: 'b' }] },
        { strategy: 'retry_policy', title: 't', edits: [] },
      ],
    };
    const r = parseAiAnswer('```json\n' + JSON.stringify(doc) + '\n```');
    if (!r.ok) throw new Error(r.note);
    expect(r.candidates).toHaveLength(1);
    expect(r.candidates[0].title).toHaveLength(160);
    expect(r.candidates[0].rationale).toBe('');
    expect(r.notes[0]).toMatch(/^AI candidate 2 dropped: malformed \(strategy: Invalid enum value/);
    expect(r.notes[1]).toMatch(/^AI candidate 3 dropped: malformed \(edits: Array must contain at least 1 element/);
  });

  it('rejects a document without an explanation or candidates list', () => {
    expect(parseAiAnswer('{"candidates": []}')).toEqual({ ok: false, note: "the model's answer does not match the expected shape (explanation: Required)" });
    expect(parseAiAnswer('[1,2]').ok).toBe(false);
  });
});
