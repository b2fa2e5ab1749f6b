// @vitest-environment happy-dom
/** The Timeline component: span tree folding, the library internals toggle, payload hits and the jump to a match. */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventSummary, SearchResult } from '../../../../shared/rpc/contract';
import { Timeline } from './Timeline';
import type { TimelineData } from './useTimeline';

// happy-dom has no layout: the windowed list renders the rows of its default 600 px view, enough for these runs.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver;

const rows: EventSummary[] = [
  { seq: 0, kind: 'random', ts: 1000, title: 'Math.random = 0.5', group: 'random:Math.random' },
  { seq: 1, kind: 'step', ts: 1001, title: 'research (1.0s)', detail: 'step', durationMs: 1000 },
  { seq: 2, kind: 'random', ts: 1002, title: 'Math.random = 0.1', group: 'random:Math.random (library)', lib: true, parentSeq: 1 },
  { seq: 3, kind: 'llm', ts: 1003, title: 'openai gpt-mock → echo: describe otters', durationMs: 900, ttfbMs: 300, parentSeq: 1 },
  { seq: 4, kind: 'console', ts: 2100, title: 'stdout: done', detail: 'stdout' },
];
afterEach(cleanup);

const data: TimelineData = { status: 'ready', rows, total: rows.length, complete: true };
const shown = (): number[] => Array.from(document.querySelectorAll('.tl-row[data-seq]')).map((e) => Number(e.getAttribute('data-seq')));

function setup(search?: (q: string) => Promise<SearchResult>) {
  const onSelect = vi.fn();
  const utils = render(<Timeline data={data} startOf={() => 1000} onSelect={onSelect} onKindsChange={() => undefined} search={search} />);
  return { ...utils, onSelect };
}

describe('Timeline', () => {
  it('nests the call under its step, hides library values until the toggle, folds the step with its caret', () => {
    setup();
    expect(shown()).toEqual([0, 1, 3, 4]);
    expect(document.querySelector('.tl-row[data-seq="3"]')?.getAttribute('data-depth')).toBe('1');
    expect(screen.getByText('(1 hidden)')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Show library internals/ }));
    expect(shown()).toEqual([0, 1, 2, 3, 4]);
    fireEvent.click(screen.getByRole('button', { name: /Collapse research/ }));
    expect(shown()).toEqual([0, 1, 4]);
    expect(document.querySelector('.tl-row[data-seq="1"]')?.textContent).toContain('2 inside');
    fireEvent.click(screen.getByRole('button', { name: /Expand research/ }));
    expect(shown()).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws each span on the run axis: the call inside its step, its wait lighter', () => {
    setup();
    const bar = (seq: number): HTMLElement => document.querySelector(`.tl-row[data-seq="${seq}"] .tl-wf-bar`) as HTMLElement;
    expect(parseFloat(bar(1).style.left)).toBeCloseTo((1 / 1100) * 100, 3);
    expect(parseFloat(bar(3).style.left)).toBeGreaterThan(parseFloat(bar(1).style.left));
    expect((bar(3).querySelector('.tl-wf-wait') as HTMLElement).style.width).toBe(`${(300 / 900) * 100}%`);
  });

  it('the find box lists payload matches with their snippet; Enter selects the first', async () => {
    const snippet = '… family life. Codeword: quokkazanzibar';
    const at = snippet.indexOf('quokka');
    const search = vi.fn(async (q: string): Promise<SearchResult> => ({
      hits: q.startsWith('quokka') ? [{ seq: 3, kind: 'llm', runId: 'r', snippet, matches: [[at, at + 14]] }] : [],
      more: false,
    }));
    const { onSelect } = setup(search);
    const find = screen.getByRole('searchbox', { name: 'Find in timeline' });
    fireEvent.change(find, { target: { value: 'quokka' } });
    await waitFor(() => expect(shown()).toEqual([3]));
    expect(search).toHaveBeenCalledWith('quokka');
    expect(document.querySelector('.tl-row[data-seq="3"] mark')?.textContent).toBe('quokkazanzibar');
    act(() => {
      fireEvent.keyDown(find, { key: 'Enter' });
    });
    expect(onSelect).toHaveBeenCalledWith(3);
  });
});
