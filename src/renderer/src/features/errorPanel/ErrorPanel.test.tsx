// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceView } from '../../../../shared/rpc/contract';
import type { ErrorPayload } from '../../../../shared/trace/types';
import { ErrorPanel } from './ErrorPanel';

afterEach(cleanup);

const AGENT = 'file:///work/agents/cities.mjs';
const SOURCE = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n');

const ERROR: ErrorPayload = {
  origin: 'unhandledRejection',
  name: 'Error',
  message: 'no population for Atlantis',
  stack: [
    'Error: no population for Atlantis',
    `    at populationOf (${AGENT}:18:28)`,
    `    at loop (${AGENT}:33:32)`,
    '    at Array.forEach (file:///work/agents/node_modules/lodash/forEach.js:10:3)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    `    at async main (${AGENT}:50:3)`,
  ].join('\n'),
  frames: [
    { functionName: 'populationOf', url: AGENT, line: 18, column: 28, locals: { city: 'Atlantis', millions: '[undefined]' } },
    { functionName: 'loop', url: AGENT, line: 33, column: 32, locals: { i: 9, city: 'Atlantis' } },
  ],
};

function source(over: Partial<SourceView> = {}): SourceView {
  return { url: AGENT, path: '/work/agents/cities.mjs', text: SOURCE, sha256: 'a'.repeat(64), capturedAt: 'error', changedOnDisk: false, ...over };
}

describe('ErrorPanel', () => {
  it('shows the type and message as text and opens on the innermost own frame with its source line and locals', async () => {
    const loadSource = vi.fn(async () => source());
    render(<ErrorPanel error={ERROR} loadSource={loadSource} />);
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('Error: no population for Atlantis');
    expect(screen.getByText('Unhandled promise rejection')).toBeTruthy();
    const current = screen.getAllByRole('button', { current: true });
    expect(current).toHaveLength(1);
    expect(current[0].textContent).toContain('populationOf');
    const code = await screen.findByRole('region', { name: 'Source around line 18' });
    const hit = code.querySelector('[aria-current="true"]');
    expect(hit?.getAttribute('data-line')).toBe('18');
    expect(hit?.textContent).toContain('line 18');
    expect(loadSource).toHaveBeenCalledWith(AGENT);
    const locals = within(screen.getByRole('region', { name: 'Locals at the error' }));
    expect(locals.getByRole('tree').textContent).toContain('Atlantis');
  });

  it('folds library and Node frames under one toggle, and a click on another frame shows its line and locals', async () => {
    render(<ErrorPanel error={ERROR} loadSource={async () => source()} />);
    const list = screen.getByRole('list', { name: 'Stack frames' });
    expect(within(list).queryByText('Array.forEach')).toBeNull();
    const toggle = within(list).getByRole('button', { name: /2 library frames/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(within(list).getByText('Array.forEach')).toBeTruthy();

    fireEvent.click(within(list).getByRole('button', { name: /^loop/ }));
    const code = await screen.findByRole('region', { name: 'Source around line 33' });
    expect(code.querySelector('[aria-current="true"]')?.textContent).toContain('line 33');
    const tree = within(screen.getByRole('region', { name: 'Locals at the error' })).getByRole('tree');
    expect(tree.textContent).toContain('9');

    fireEvent.click(within(list).getByRole('button', { name: /async main/ }));
    await screen.findByRole('region', { name: 'Source around line 50' });
    expect(screen.getByText('Not captured')).toBeTruthy();
    expect(screen.getByText(/waiting at an await/)).toBeTruthy();

    fireEvent.click(within(list).getByRole('button', { name: /Array\.forEach/ }));
    expect(screen.getByText('Library code: its source is not recorded.')).toBeTruthy();
  });

  it('says when the source changed on disk, and when it was not recorded', async () => {
    const { unmount } = render(<ErrorPanel error={ERROR} loadSource={async () => source({ changedOnDisk: true })} />);
    expect(await screen.findByText(/changed on disk since/)).toBeTruthy();
    unmount();
    render(<ErrorPanel error={ERROR} loadSource={() => Promise.reject(new Error('run r recorded no source for /x'))} />);
    expect(await screen.findByText(/Source not recorded for this file/)).toBeTruthy();
  });

  it('locals read by an offline replay to the error say so', async () => {
    const typeError: ErrorPayload = {
      origin: 'uncaughtException',
      name: 'TypeError',
      message: "Cannot read properties of undefined (reading 'name')",
      stack: `TypeError: Cannot read properties of undefined (reading 'name')\n    at readName (${AGENT}:12:40)`,
      frames: [{ functionName: 'readName', url: AGENT, line: 12, column: 40, locals: { user: { id: 2 } } }],
      framesBy: 'replay',
    };
    render(<ErrorPanel error={typeError} loadSource={async () => source()} />);
    expect(screen.getByText(/Read by replaying the run offline to this error/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Locals at the error' })).getByRole('tree').textContent).toContain('id');
    await screen.findByRole('region', { name: 'Source around line 12' });
  });

  it('locals of a frame suspended at an await say when they were read', async () => {
    const llmError: ErrorPayload = {
      origin: 'unhandledRejection',
      name: 'InternalServerError',
      message: '500 Internal server error (mock)',
      stack: `Error: 500\n    at APIError.generate (file:///w/node_modules/openai/error.mjs:63:20)\n    at async summarize (${AGENT}:8:15)`,
      frames: [{ functionName: 'summarize', url: AGENT, line: 8, column: 15, locals: { doc: { title: 'q' } } }],
    };
    render(<ErrorPanel error={llmError} loadSource={async () => source()} />);
    expect(screen.getAllByRole('button', { current: true })[0].textContent).toContain('summarize');
    expect(screen.getByText(/made the call it was still awaiting/)).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Locals at the error' })).getByRole('tree').textContent).toContain('title');
    await screen.findByRole('region', { name: 'Source around line 8' });
  });

  it('a value thrown without a stack', () => {
    render(<ErrorPanel error={{ origin: 'uncaughtException', name: 'object', message: '{"code":42}' }} loadSource={async () => source()} />);
    expect(screen.getByText(/No stack was recorded/)).toBeTruthy();
  });
});
