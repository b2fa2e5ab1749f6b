// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { RunNode, type RunNodeType } from '../branchGraph/RunNode';
import { ActionsBar } from './ActionsBar';
import { show } from './ComparePanel';
import { forkBlockedReason } from './editDraft';
import { EditForkPanel } from './EditForkPanel';

afterEach(cleanup);

const idle = { status: 'idle' } as const;

function bar(over: { step?: number; stepKind?: string; editable?: boolean; finished?: boolean; pending?: boolean }) {
  const noop = vi.fn();
  return (
    <ActionsBar
      replay={idle}
      started={idle}
      exported={idle}
      editable={over.editable ?? false}
      finished={over.finished ?? true}
      pending={over.pending ?? false}
      {...(over.step !== undefined ? { step: over.step } : {})}
      {...(over.stepKind !== undefined ? { stepKind: over.stepKind } : {})}
      onRunBranch={noop}
      onDelete={() => Promise.resolve(undefined)}
      onReplay={noop}
      onResume={noop}
      onFork={noop}
      onCompare={noop}
      onExport={noop}
      onOpenRun={noop}
    />
  );
}

describe('Edit & fork button', () => {
  it('is disabled with the reason as its description when the step is not editable', () => {
    render(bar({ step: 4, stepKind: 'console' }));
    const btn = screen.getByTestId('edit-fork') as HTMLButtonElement;
    expect(btn.disabled).toBe(true);
    const why = document.getElementById(btn.getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toBe('Step 4 is a console event, which is not an input of the run: select an LLM call, an HTTP call or a random/time value to edit');
    expect(btn.title).toBe(why?.textContent);
  });

  it('is enabled, without a "why", on an editable step of a finished run', () => {
    render(bar({ step: 4, stepKind: 'llm', editable: true }));
    const btn = screen.getByTestId('edit-fork') as HTMLButtonElement;
    expect(btn.disabled).toBe(false);
    expect(btn.hasAttribute('aria-describedby')).toBe(false);
    expect(btn.title).toBe('Edit the result of step 4 and run a branch from it');
  });

  it('says why for each blocked state', () => {
    expect(forkBlockedReason({ finished: false })).toMatch(/still recording/);
    expect(forkBlockedReason({ finished: false, pending: true })).toMatch(/has not run yet/);
    expect(forkBlockedReason({ finished: true })).toMatch(/^Select a step first/);
    expect(forkBlockedReason({ finished: true, step: 3 })).toBe('Loading step 3…');
    expect(forkBlockedReason({ finished: true, step: 3, stepKind: 'time' })).toBeUndefined();
  });
});

describe('fork numbers', () => {
  it('Edit & fork at step 0 says the branch runs from step 0 with no steps replayed (never step -1)', () => {
    render(<EditForkPanel fork={{ seq: 0, validation: null, submitting: false }} onText={vi.fn()} onConfirm={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByTestId('edit-fork-help').textContent).toBe('The branch runs from step 0: no steps replayed from the record, step 0 with your edit, live after it.');
    expect(document.body.textContent).not.toContain('-1');
  });

  const run = (over: Partial<RunSummary>): RunSummary => ({ id: 't__b', scriptPath: 'a.mjs', status: 'ok', parentId: 't', forkSeq: 99, steps: 120, llmCalls: 1, totalTokens: 10, startedAt: 0, ...over });
  const node = (r: RunSummary) => {
    const props = { id: r.id, data: { run: r, current: false }, type: 'run', dragging: false, zIndex: 0, selectable: false, deletable: false, selected: false, draggable: false, isConnectable: false, positionAbsoluteX: 0, positionAbsoluteY: 0 } as unknown as Parameters<typeof RunNode>[0] & { data: RunNodeType['data'] };
    return render(
      <ReactFlowProvider>
        <RunNode {...props} />
      </ReactFlowProvider>,
    );
  };

  it('a pending branch node uses the edge\'s number, and says what was edited', () => {
    node(run({ status: 'pending', edits: [{ seq: 100, what: 'LLM reply edited' }] }));
    const el = document.querySelector('.run-node') as HTMLElement;
    expect(el.textContent).toContain('from step 100');
    expect(el.querySelector('.run-node-edits')?.textContent).toBe('step 100 · LLM reply edited');
  });

  it('a branch that ran lists its edits; a resume says it has none', () => {
    node(run({ edits: [{ seq: 9, what: 'LLM reply edited' }, { seq: 12, what: 'value edited' }] }));
    expect(document.querySelector('.run-node-edits')?.textContent).toBe('step 9 · LLM reply edited, +1 more edit');
    expect((document.querySelector('.run-node-edits') as HTMLElement).title).toBe('step 9: LLM reply edited\nstep 12: value edited');
    cleanup();
    node(run({ forkSeq: 4 }));
    expect(document.querySelector('.run-node-edits')?.textContent).toBe('from step 5 · no edits');
    cleanup();
    node(run({ status: 'pending', forkSeq: 4 }));
    expect(document.querySelector('.run-node')?.textContent).toContain('not run yetfrom step 5no edits yet');
    cleanup();
    node(run({ parentId: undefined, forkSeq: undefined }));
    expect(document.querySelector('.run-node-edits')).toBeNull();
  });
});

describe('compare cells', () => {
  it('show a reply that only calls tools as its calls, not as an empty cell', () => {
    expect(show({ role: 'assistant', content: '', toolCalls: [{ name: 'get_weather', arguments: '{"query":"Lima"}' }] })).toBe('get_weather({"query":"Lima"})');
    expect(show({ role: 'assistant', content: 'hi' })).toBe('hi');
    expect(show({ status: 429 })).toBe('{\n  "status": 429\n}');
  });
});
