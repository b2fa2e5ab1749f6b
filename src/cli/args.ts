/**
 * A small, strict argument parser (no dependency): `--flag`, `--opt value`, `--opt=value`, `-h`, repeatable
 * options, and `--` after which everything is passed through. Unknown or malformed options are errors, never
 * silently ignored, because a typo would otherwise change what gets recorded.
 */
import { BadArgsError } from '../engine/errors.js';

export type OptionType = 'boolean' | 'string' | 'int' | 'list';

export interface OptionSpec {
  name: string;
  short?: string;
  type: OptionType;
  /** Shown in help: `--limit N`. */
  valueName?: string;
  description: string;
  /** Smallest accepted value for 'int'. */
  min?: number;
  /** Accepted values for 'string' (anything else is a usage error). */
  choices?: readonly string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage line after `agenttrace `. */
  usage: string;
  positionals: { name: string; required: boolean; description: string }[];
  options: OptionSpec[];
  /** Extra positionals and everything after `--` are collected into `rest` (record: the agent's arguments). */
  rest?: { name: string; description: string };
  examples?: string[];
  /** Paragraph lines printed at the end of the help (exit codes, caveats). */
  notes?: string[];
}

export interface ParsedArgs {
  options: Record<string, boolean | string | number | string[] | undefined>;
  positionals: string[];
  rest: string[];
}

const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

export function withHelp(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, HELP];
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const rest: string[] = [];
  const all = withHelp(spec);
  const byName = new Map(all.map((o) => [o.name, o]));
  const byShort = new Map(all.filter((o) => o.short).map((o) => [o.short as string, o]));
  const restHint = spec.rest ? `; ${spec.rest.name} go after --, e.g. agenttrace ${spec.name} ${spec.positionals[0]?.name ?? ''} -- --flag` : '';

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      if (!spec.rest) throw new BadArgsError(`${spec.name} takes no arguments after --`, `see \`agenttrace ${spec.name} --help\``);
      rest.push(...argv.slice(i + 1));
      break;
    }
    let opt: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      opt = byName.get(name);
      if (!opt) throw new BadArgsError(`unknown option --${name} for ${spec.name}`, `see \`agenttrace ${spec.name} --help\`${restHint}`);
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      opt = byShort.get(a.slice(1));
      if (!opt) throw new BadArgsError(`unknown option ${a} for ${spec.name}`, `see \`agenttrace ${spec.name} --help\`${restHint}`);
    } else {
      if (positionals.length < spec.positionals.length) positionals.push(a);
      else if (spec.rest) rest.push(a);
      else throw new BadArgsError(`unexpected argument "${a}" for ${spec.name}`, `usage: agenttrace ${spec.usage}`);
      continue;
    }
    if (opt.type === 'boolean') {
      if (inline !== undefined) throw new BadArgsError(`--${opt.name} takes no value`, `write --${opt.name} alone`);
      options[opt.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new BadArgsError(`--${opt.name} needs a value`, `usage: --${opt.name} ${opt.valueName ?? 'VALUE'}`);
      }
      value = next;
      i++;
    }
    options[opt.name] = convert(opt, value, options[opt.name]);
  }
  for (const [i, p] of spec.positionals.entries()) {
    if (p.required && positionals[i] === undefined && !options.help) {
      throw new BadArgsError(`missing <${p.name}> for ${spec.name}`, `usage: agenttrace ${spec.usage}`);
    }
  }
  return { options, positionals, rest };
}

function convert(opt: OptionSpec, value: string, prev: ParsedArgs['options'][string]): string | number | string[] {
  if (opt.type === 'string') {
    if (value === '') throw new BadArgsError(`--${opt.name} needs a non-empty value`, `usage: --${opt.name} ${opt.valueName ?? 'VALUE'}`);
    if (opt.choices && !opt.choices.includes(value)) throw new BadArgsError(`--${opt.name} must be ${opt.choices.join(' or ')}, got "${value}"`, `usage: --${opt.name} ${opt.choices.join('|')}`);
    return value;
  }
  if (opt.type === 'list') {
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new BadArgsError(`--${opt.name} needs a value`, `usage: --${opt.name} ${opt.valueName ?? 'VALUE'}`);
    return [...(Array.isArray(prev) ? prev : []), ...items];
  }
  if (!/^-?\d+$/.test(value.trim())) throw new BadArgsError(`--${opt.name} must be an integer, got "${value}"`, `usage: --${opt.name} ${opt.valueName ?? 'N'}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new BadArgsError(`--${opt.name} is out of range: ${value}`, `usage: --${opt.name} ${opt.valueName ?? 'N'}`);
  if (opt.min !== undefined && n < opt.min) throw new BadArgsError(`--${opt.name} must be at least ${opt.min}, got ${n}`, `usage: --${opt.name} ${opt.valueName ?? 'N'}`);
  return n;
}

/** The help text of one command, generated from its spec so it can never drift from what is parsed. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: agenttrace ${spec.usage}`, '', spec.summary, ''];
  if (spec.positionals.length > 0 || spec.rest) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(`  ${pad(`<${p.name}>`, 24)}${p.description}`);
    if (spec.rest) lines.push(`  ${pad(`-- ${spec.rest.name}`, 24)}${spec.rest.description}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const o of withHelp(spec)) {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` ${o.valueName ?? 'VALUE'}`}`;
    lines.push(`  ${pad(flag, 24)}${o.description}`);
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return lines.join('\n') + '\n';
}

export function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}
