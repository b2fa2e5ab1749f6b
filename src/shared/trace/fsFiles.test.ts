import { describe, expect, it } from 'vitest';
import { applyFsEvent, fileRenames } from './fsFiles.js';
import type { FsPayload } from './types.js';

const ref = (blob: string) => ({ blob, size: 1, encoding: 'utf8' as const });

function fold(events: FsPayload[]): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  for (const e of events) applyFsEvent(files, e);
  return files;
}

describe('applyFsEvent', () => {
  it('partial writes set the read-back whole file; without it (older traces) they change nothing', () => {
    expect(fold([{ op: 'write', path: '/a', api: 'sync', content: ref('chunk'), after: ref('whole') }])).toEqual({ '/a': 'whole' });
    expect(fold([{ op: 'appendFile', path: '/a', api: 'promise', content: ref('chunk'), after: ref('whole2') }])).toEqual({ '/a': 'whole2' });
    expect(fold([{ op: 'write', path: '/a', api: 'stream', content: ref('chunk') }])).toEqual({});
    expect(fold([{ op: 'write', path: '/a', api: 'sync', after: ref('x'), error: 'EBADF' }])).toEqual({});
  });

  it('a rename moves the read-back content, also for a file the run never wrote and onto an existing one', () => {
    expect(fold([{ op: 'rename', path: '/old', dest: '/new', api: 'sync', content: ref('h') }])).toEqual({ '/old': null, '/new': 'h' });
    const onto = fold([
      { op: 'writeFile', path: '/draft', api: 'sync', content: ref('d') },
      { op: 'writeFile', path: '/target', api: 'sync', content: ref('t') },
      { op: 'rename', path: '/draft', dest: '/target', api: 'sync', content: ref('d') },
    ]);
    expect(onto).toEqual({ '/draft': null, '/target': 'd' });
    // Older traces: no content on the rename, the written file's hash moves.
    expect(fold([{ op: 'writeFile', path: '/a', api: 'sync', content: ref('a') }, { op: 'rename', path: '/a', dest: '/b', api: 'sync' }])).toEqual({ '/a': null, '/b': 'a' });
  });
});

describe('fileRenames', () => {
  it('maps sources to destinations, forgets a source written again, and skips failed renames', () => {
    const events: FsPayload[] = [
      { op: 'rename', path: '/a', dest: '/b', api: 'sync' },
      { op: 'rename', path: '/c', dest: '/d', api: 'sync' },
      { op: 'writeFile', path: '/c', api: 'sync', content: ref('c') },
      { op: 'rename', path: '/x', dest: '/y', api: 'sync', error: 'ENOENT' },
      { op: 'rename', path: '/b', dest: '/e', api: 'sync' },
    ];
    expect(fileRenames(events)).toEqual({ '/a': '/b', '/b': '/e' });
  });
});
