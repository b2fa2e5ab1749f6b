import { describe, expect, it } from 'vitest';
import { splitArgs } from './argsText.js';

const args = (text: string): string[] => {
  const r = splitArgs(text);
  if (!r.ok) throw new Error(r.error);
  return r.args;
};

describe('splitArgs', () => {
  it('splits on any whitespace and ignores the surrounding blanks', () => {
    expect(args('')).toEqual([]);
    expect(args('   ')).toEqual([]);
    expect(args('--topic otters  --max\t3\n')).toEqual(['--topic', 'otters', '--max', '3']);
  });

  it('groups quoted words and keeps empty quoted arguments', () => {
    expect(args('--topic "sea otters" \'a b\'')).toEqual(['--topic', 'sea otters', 'a b']);
    expect(args('x"y z"w')).toEqual(['xy zw']);
    expect(args('"" \'\'')).toEqual(['', '']);
    expect(args(`"it's" 'say "hi"'`)).toEqual(["it's", 'say "hi"']);
  });

  it('escapes with a backslash outside single quotes only', () => {
    expect(args('a\\ b c')).toEqual(['a b', 'c']);
    expect(args('"say \\"hi\\"" "C:\\dir"')).toEqual(['say "hi"', 'C:\\dir']);
    expect(args("'\\n'")).toEqual(['\\n']);
    expect(args('trailing\\')).toEqual(['trailing\\']);
  });

  it('reports an unclosed quote instead of guessing', () => {
    expect(splitArgs('--topic "sea otters')).toEqual({ ok: false, error: 'unclosed double quote in the arguments' });
    expect(splitArgs("it's")).toEqual({ ok: false, error: 'unclosed single quote in the arguments' });
  });
});
