// @vitest-environment happy-dom
/** The Files tab says "renamed → dest" for a rename's source (not "deleted"), and where a destination came from. */
import { createElement } from 'react';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StateView } from '../../../../shared/rpc/contract';
import { FilesTab, fileNote } from './FilesTab';

const state = (files: Record<string, string | null>, renamed: Record<string, string>): StateView => ({
  seq: 5,
  keyframeSeq: null,
  tracked: {},
  globals: {},
  frames: [],
  stack: [],
  files,
  renamed,
  changedPaths: [],
});

describe('FilesTab', () => {
  it('lists a renamed file as renamed, a deleted one as deleted, and the destination with its source', () => {
    const s = state({ '/w/draft.txt': null, '/w/target.txt': 'abcdef0123456789', '/w/gone.txt': null }, { '/w/draft.txt': '/w/target.txt' });
    render(createElement(FilesTab, { state: s, file: { status: 'idle' }, onOpen: () => undefined }));
    const items = screen.getAllByRole('button').map((b) => b.textContent);
    expect(items).toEqual(['/w/draft.txtrenamed → /w/target.txt', '/w/gone.txtdeleted', '/w/target.txtabcdef01 · renamed from /w/draft.txt']);
  });

  it('fileNote', () => {
    expect(fileNote('/a', null, { '/a': '/b' })).toBe('renamed → /b');
    expect(fileNote('/a', null, {})).toBe('deleted');
    expect(fileNote('/b', '0123456789', { '/a': '/b' })).toBe('01234567 · renamed from /a');
  });
});
