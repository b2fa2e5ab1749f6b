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
    const caret = (seq: number): Element => document.querySelector(`.tl-row[data-seq="${seq}"] .tl-span-caret`) as Element;
    expect(caret(1).getAttribute('title')).toBe('Collapse research (1.0s) (2 inside)');
    fireEvent.click(caret(1));
    expect(shown()).toEqual([0, 1, 4]);
    expect(document.querySelector('.tl-row[data-seq="1"]')?.textContent).toContain('2 inside');
    expect(caret(1).getAttribute('title')).toMatch(/^Expand research/);
    fireEvent.click(caret(1));
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

  it("a streamed call's chunks open under it as rows with their arrival times and ticks; the keyboard steps past them", () => {
    const streamRows: EventSummary[] = [
      { seq: 0, kind: 'llm', ts: 1000, title: 'openai gpt-mock → echo', durationMs: 400, ttfbMs: 100, chunkTimes: [100, 250, 400], chunkCount: 3 },
      { seq: 1, kind: 'console', ts: 1500, title: 'stdout: done', detail: 'stdout' },
    ];
    const onSelect = vi.fn();
    const stream: TimelineData = { status: 'ready', rows: streamRows, total: 2, complete: true };
    const { rerender } = render(<Timeline data={stream} startOf={() => 1000} selectedSeq={0} onSelect={onSelect} onKindsChange={() => undefined} />);
    const chunks = (): string[] => Array.from(document.querySelectorAll('.tl-chunk')).map((e) => e.querySelector('.tl-title')?.textContent ?? '');
    const call = document.querySelector('.tl-row[data-seq="0"]') as HTMLElement;
    expect(call.textContent).toContain('3 chunks');
    expect(call.getAttribute('aria-expanded')).toBe('false');
    expect(chunks()).toEqual([]);
    const caret = call.querySelector('.tl-span-caret') as Element;
    expect(caret.getAttribute('title')).toBe('Show the streamed chunks of openai gpt-mock → echo');
    fireEvent.click(caret);
    expect(chunks()).toEqual(['chunk 1 of 3', 'chunk 2 of 3', 'chunk 3 of 3']);
    const second = document.querySelectorAll('.tl-chunk')[1] as HTMLElement;
    expect(second.querySelector('.tl-detail')?.textContent).toMatch(/^\+250 ?ms after the request$/);
    expect(second.querySelector('.tl-dur')?.textContent).toMatch(/^\+250 ?ms$/);
    // On the run's axis (0..500 ms, the last event): the call starts at 0, its second chunk arrives at 250 ms.
    expect(parseFloat((second.querySelector('.tl-wf-tick') as HTMLElement).style.left)).toBeCloseTo((250 / 500) * 100, 3);
    fireEvent.click(second);
    expect(onSelect).toHaveBeenLastCalledWith(0);
    // j from the call goes to the next event, not into its chunks; ← hides them again.
    const list = screen.getByRole('tree', { name: 'Events' });
    fireEvent.keyDown(list, { key: 'j' });
    expect(onSelect).toHaveBeenLastCalledWith(1);
    fireEvent.keyDown(list, { key: 'ArrowLeft' });
    expect(chunks()).toEqual([]);
    fireEvent.keyDown(list, { key: 'ArrowRight' });
    expect(chunks()).toHaveLength(3);
    rerender(<Timeline data={stream} startOf={() => 1000} selectedSeq={1} onSelect={onSelect} onKindsChange={() => undefined} />);
    fireEvent.keyDown(list, { key: 'k' });
    expect(onSelect).toHaveBeenLastCalledWith(0);
  });
});
