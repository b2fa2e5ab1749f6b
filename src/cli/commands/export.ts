/** `agenttrace export <id>`: writes a run and its branches (or one run with --only) into a portable trace file. */
import path from 'node:path';
import { defaultExportName, exportTrace, type ExportResult } from '../../engine/traceFile/exportTrace.js';
import { BadArgsError } from '../../engine/errors.js';
import { formatBytes } from '../../shared/model/formatBytes.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { openCliStore } from '../context.js';

export const exportCommand: Command = {
  spec: {
    name: 'export',
    summary: 'Write a run with its branches (or one run with --only) into a portable .agenttrace file, or a run as an OpenTelemetry trace (--otel).',
    usage: 'export <id> [-o FILE] [--only] [--force] [--allow-secrets] [--json]  |  export <id> --otel FILE.json|URL [--otel-protocol P] [--force] [--json]',
    positionals: [{ name: 'id', required: true, description: 'run id or a unique prefix of it' }],
    options: [
      { name: 'out', short: 'o', type: 'string', valueName: 'FILE', description: 'where to write (default <id-prefix>.agenttrace in the current folder)' },
      { name: 'only', type: 'boolean', description: 'this run only, not its branches (a branch still carries its ancestors up to its fork)' },
      { name: 'force', type: 'boolean', description: 'overwrite FILE if it exists' },
      { name: 'allow-secrets', type: 'boolean', description: 'write the file even if the secret scan finds something (each finding is printed as a warning)' },
      { name: 'json', type: 'boolean', description: 'print {file, focus, root, runs, events, blobs, fixes, bytes} as JSON' },
      { name: 'otel', type: 'string', valueName: 'FILE|URL', description: 'export the run as an OpenTelemetry trace instead: OTLP/JSON into FILE, or POSTed to an OTLP/HTTP endpoint (http(s)://host[:port][/v1/traces])' },
      { name: 'otel-protocol', type: 'string', valueName: 'P', description: 'for a URL: http/protobuf (default, or $OTEL_EXPORTER_OTLP_PROTOCOL) or http/json' },
    ],
    examples: [
      'agenttrace export 3f2a',
      'agenttrace export 3f2a__step-4 --only -o bug-1234.agenttrace',
      'agenttrace export 3f2a --otel trace.json',
      'agenttrace export 3f2a --otel http://localhost:4318',
    ],
    notes: [
      'The file is scanned for secrets (values of secret-named environment variables, secret-shaped tokens) before it',
      'is kept; if one is found the export fails, naming the event and field, and nothing is written (--allow-secrets',
      'writes it anyway). Import it with `agenttrace import FILE`.',
      'With --otel the run becomes one trace following the OpenTelemetry GenAI semantic conventions (a branch: its',
      'whole timeline, linked to its parent); trace and span ids derive from the run id, so exporting again is stable.',
      'Headers for the endpoint (API keys of a backend) come from OTEL_EXPORTER_OTLP_HEADERS and are never stored.',
    ],
  },
  async run(args, ctx) {
    const o = args.options;
    if (o.otel !== undefined) return exportOtelCommand(args.positionals[0], o, ctx);
    if (o['otel-protocol'] !== undefined) throw new BadArgsError('--otel-protocol applies to --otel URL only', 'add --otel http://collector:4318');
    const store = openCliStore(ctx);
    try {
      const id = store.resolveRunId(args.positionals[0]);
      const display = (o.out as string | undefined) ?? defaultExportName(id);
      const result = await exportTrace(store, id, { out: path.resolve(ctx.cwd, display), display, only: Boolean(o.only), force: Boolean(o.force), env: ctx.env, allowSecrets: Boolean(o['allow-secrets']) });
      if (o.json) ctx.printer.json({ ...result, file: display });
      else printExport(result, display, ctx.printer.out);
      for (const f of result.secrets ?? []) ctx.printer.err(`agenttrace: warning: written with a secret (--allow-secrets): ${f}\n`);
      for (const h of result.missingBlobs) ctx.printer.err(`agenttrace: warning: blob ${h.slice(0, 12)} is referenced but missing from the store; the file notes it as missing\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

async function exportOtelCommand(idArg: string, o: ParsedArgs['options'], ctx: CliContext): Promise<number> {
  for (const flag of ['out', 'only', 'allow-secrets'] as const) {
    if (o[flag] !== undefined && o[flag] !== false) throw new BadArgsError(`--${flag} does not apply to --otel`, '--otel exports one run (a branch with its inherited steps) to the file or URL it names');
  }
  // Loaded on use: the OpenTelemetry packages take ~0.2 s to import, which every other command would pay.
  const { otlpProtocol, parseOtlpTarget } = await import('../../engine/otel/otlpTarget.js');
  const { exportOtel } = await import('../../engine/otel/exportOtel.js');
  const target = parseOtlpTarget(String(o.otel), ctx.cwd, otlpProtocol(o['otel-protocol'] as string | undefined, ctx.env));
  const store = openCliStore(ctx);
  try {
    const id = store.resolveRunId(idArg);
    const r = await exportOtel(store, id, target, { env: ctx.env, force: Boolean(o.force) });
    if (o.json) ctx.printer.json(r);
    else {
      const where = target.kind === 'file' ? `to ${r.target} (OTLP/JSON, ${formatBytes(r.bytes)})` : `to ${r.target} (OTLP ${r.protocol}, HTTP ${r.sent?.status})`;
      ctx.printer.out(`Exported ${r.runId} as OpenTelemetry trace ${r.traceId} (${r.spans} spans, ${r.llmSpans} LLM) ${where}\n`);
    }
    if (r.sent && r.sent.rejectedSpans > 0) ctx.printer.err(`agenttrace: warning: the collector rejected ${r.sent.rejectedSpans} span(s)${r.sent.message ? `: ${r.sent.message}` : ''}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function printExport(r: ExportResult, display: string, out: (s: string) => void): void {
  const n = r.runs.length;
  out(`Exported ${r.focus} (${n} run${n === 1 ? '' : 's'}, ${r.events} events, ${r.blobs} blob${r.blobs === 1 ? '' : 's'}) to ${display} (${formatBytes(r.bytes)})\n`);
  for (const run of r.runs) if (run.partialUpTo !== undefined) out(`  with ancestor ${run.id} up to step ${run.partialUpTo}\n`);
  if (r.fixes > 0) out(`  with ${r.fixes} fix report${r.fixes === 1 ? '' : 's'}\n`);
}
