import { describe, expect, it } from 'vitest';
import { commandHelp, parseArgs, type CommandSpec } from './args.js';

const spec: CommandSpec = {
  name: 'record',
  summary: 'Record.',
  usage: 'record <script> [-- args…]',
  positionals: [{ name: 'script', required: true, description: 'the script' }],
  rest: { name: 'args…', description: 'agent arguments' },
  options: [
    { name: 'keyframe-every', type: 'int', min: 1, valueName: 'N', description: 'interval' },
    { name: 'name', type: 'string', valueName: 'NAME', description: 'name' },
    { name: 'kind', type: 'list', valueName: 'K', description: 'kinds' },
    { name: 'json', type: 'boolean', description: 'json' },
  ],
};

describe('parseArgs', () => {
  it('reads options in both forms, positionals, extra args and everything after --', () => {
    const a = parseArgs(spec, ['a.mjs', '--keyframe-every=5', '--name', 'n', 'x', '--json', '--kind', 'llm,http', '--kind=fs', '--', '--json', '-h']);
    expect(a.options).toEqual({ 'keyframe-every': 5, name: 'n', json: true, kind: ['llm', 'http', 'fs'] });
    expect(a.positionals).toEqual(['a.mjs']);
    expect(a.rest).toEqual(['x', '--json', '-h']);
  });

  it('accepts a negative-looking value and a dash-leading agent argument after --', () => {
    expect(() => parseArgs(spec, ['a.mjs', '--keyframe-every', '-3'])).toThrow(/at least 1, got -3/);
    expect(parseArgs(spec, ['a.mjs', '--', '-v']).rest).toEqual(['-v']);
  });

  it('rejects what it cannot understand with a usage error', () => {
    for (const [argv, re] of [
      [['a.mjs', '--nope'], /unknown option --nope for record/],
      [['a.mjs', '-x'], /unknown option -x for record/],
      [['a.mjs', '--name'], /--name needs a value/],
      [['a.mjs', '--name', '--json'], /--name needs a value/],
      [['a.mjs', '--name='], /non-empty/],
      [['a.mjs', '--json=1'], /takes no value/],
      [['a.mjs', '--keyframe-every', '1.5'], /must be an integer/],
      [['a.mjs', '--keyframe-every', '99999999999999999999'], /out of range/],
      [[], /missing <script>/],
    ] as [string[], RegExp][]) {
      expect(() => parseArgs(spec, argv)).toThrow(expect.objectContaining({ code: 'ATR_BAD_ARGS', message: expect.stringMatching(re) }));
    }
  });

  it('lets --help through without the required positional', () => {
    expect(parseArgs(spec, ['--help']).options.help).toBe(true);
    expect(parseArgs(spec, ['-h']).options.help).toBe(true);
  });

  it('generates help from the spec', () => {
    const help = commandHelp(spec);
    expect(help).toContain('Usage: agenttrace record <script> [-- args…]');
    expect(help).toMatch(/--keyframe-every N\s+interval/);
    expect(help).toMatch(/-h, --help\s+show this help/);
    expect(help).toMatch(/-- args…\s+agent arguments/);
  });
});
