import { describe, expect, it } from 'vitest';
import { forkLabel } from './graphLayout.js';
import { descendantsOf, editSummaries, editsText, firstOwnStep, forkText, inheritedText } from './runLineage.js';

describe('descendantsOf', () => {
  it('lists the branches below a run, recursively, and nothing for a leaf', () => {
    const runs = [{ id: 't' }, { id: 'a', parentId: 't' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'a' }, { id: 'd', parentId: 't' }];
    expect(descendantsOf(runs, 'a').sort()).toEqual(['b', 'c']);
    expect(descendantsOf(runs, 't').sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(descendantsOf(runs, 'd')).toEqual([]);
  });

  it('lists children first, siblings in the given order (the order the store deletes them in)', () => {
    const runs = [{ id: 't' }, { id: 'a', parentId: 't' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'a' }, { id: 'd', parentId: 't' }, { id: 'e', parentId: 'b' }];
    expect(descendantsOf(runs, 't')).toEqual(['e', 'b', 'c', 'a', 'd']);
  });

  it('lists each run once when damaged links form a cycle, and never hangs', () => {
    const runs = [{ id: 'a', parentId: 'c' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'b' }, { id: 'x', parentId: 'b' }];
    expect(descendantsOf(runs, 'a')).toEqual(['c', 'x', 'b']);
  });
});

describe('fork language', () => {
  it('names a branch by its first own step: an edit of step 0 is "from step 0", never step -1', () => {
    expect(forkText(-1)).toBe('from step 0');
    expect(forkText(99)).toBe('from step 100');
    expect(forkText(undefined)).toBe('fork');
    expect(firstOwnStep(99)).toBe(100);
    expect(inheritedText(-1)).toBe('no steps');
    expect(inheritedText(0)).toBe('step 0');
    expect(inheritedText(99)).toBe('steps 0–99');
  });

  it('agrees with the graph edge label for the same branch', () => {
    for (const forkSeq of [-1, 0, 9, 99]) expect(forkLabel(forkSeq)).toBe(forkText(forkSeq));
  });

  it('summarizes the edits of a branch from its overrides, by step', () => {
    const edits = editSummaries({
      '12': { type: 'value', value: 0.5 },
      '9': { type: 'reply', reply: { role: 'assistant', content: 'x' } },
      '10': { type: 'response', status: 429, body: {} },
      '11': { type: 'reply', reply: { role: 'assistant', content: '', toolCalls: [{ name: 'a', arguments: '{}' }] } },
      junk: { type: 'value' },
    });
    expect(edits).toEqual([
      { seq: 9, what: 'LLM reply edited' },
      { seq: 10, what: 'response replaced (HTTP 429)' },
      { seq: 11, what: 'LLM reply edited (tool calls)' },
      { seq: 12, what: 'value edited' },
    ]);
    expect(editsText(edits)).toBe('step 9 · LLM reply edited, +3 more edits');
    expect(editsText(edits.slice(0, 2))).toBe('step 9 · LLM reply edited, +1 more edit');
    expect(editsText([{ seq: 0, what: 'LLM reply edited' }])).toBe('step 0 · LLM reply edited');
    expect(editsText([])).toBe('no edits');
    expect(editSummaries(undefined)).toEqual([]);
  });
});
