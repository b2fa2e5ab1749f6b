// @vitest-environment happy-dom
/** The drop's outcome: a mix of good and bad files imports the good ones but stays on the banner; all good opens. */
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ImportOutcome, WorkbenchApi } from '../../../../shared/rpc/contract';
import { useTraceDrop } from './useTraceDrop';

function fakeApi(): WorkbenchApi {
  const uploadTraceFile = ({ name }: { name: string }): Promise<ImportOutcome> =>
    Promise.resolve(
      name.startsWith('good')
        ? { file: name, ok: true, focus: `run-${name}`, root: `run-${name}`, runIds: [`run-${name}`], alreadyImported: false }
        : { file: name, ok: false, code: 'ATR_TRACE_FILE', message: 'truncated trace file (ended inside the events section)' },
    );
  return { uploadTraceFile } as unknown as WorkbenchApi;
}

const file = (name: string): File => new File(['x'], name);

describe('useTraceDrop', () => {
  it('a mix of good and bad files: the good one is imported, the page stays, each bad file has its line', async () => {
    const onOpen = vi.fn();
    const { result } = renderHook(() => useTraceDrop(fakeApi(), onOpen));
    await act(() => result.current.importFiles([file('good.agenttrace'), file('bad.agenttrace'), file('notes.txt')]));
    expect(onOpen).not.toHaveBeenCalled();
    expect(result.current.failures.map((f) => [f.file, f.message])).toEqual([
      ['notes.txt', 'not a trace file (expected a .agenttrace file)'],
      ['bad.agenttrace', 'truncated trace file (ended inside the events section)'],
    ]);
    expect(result.current.imported.map((o) => o.focus)).toEqual(['run-good.agenttrace']);
    expect(result.current.importedCount).toBe(1);
    act(() => result.current.dismiss());
    expect(result.current.failures).toEqual([]);
    expect(result.current.imported).toEqual([]);
  });

  it('only good files: the first one opens and no banner stays', async () => {
    const onOpen = vi.fn();
    const { result } = renderHook(() => useTraceDrop(fakeApi(), onOpen));
    await act(() => result.current.importFiles([file('good-1.agenttrace'), file('good-2.agenttrace')]));
    expect(onOpen).toHaveBeenCalledWith('run-good-1.agenttrace');
    expect(result.current.failures).toEqual([]);
  });
});
