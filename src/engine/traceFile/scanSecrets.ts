/**
 * The last gate of an export: reads the written file back (as any reader would) and looks for secrets — the values
 * of the host's secret-named environment variables and secret-shaped tokens (redact.ts) — in every string of every
 * record, keys included (run failures and fix reports too: they quote errors, provider bodies and the user's files),
 * and in the bytes of every blob. Everything was masked when it was recorded; this catches
 * what slipped through (an SDK hook that forgot to mask, a row written by other means). Findings name where the
 * secret is and what it looks like, never the secret itself.
 */
import { isSecretEnvName } from '../../shared/trace/redact.js';
import { StoreMasker } from '../store/storeMasker.js';
import { bodyLines, DEFAULT_LIMITS, openTraceFile, type ReadLimits } from './readTraceFile.js';

const MAX_FINDINGS = 20;

/** Every string inside a JSON value, object keys included (iterative: the value may be deep). */
function* strings(value: unknown): Generator<string> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') yield v;
    else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        yield k;
        stack.push(x);
      }
    }
  }
}

function where(rec: Record<string, unknown>, lineNo: number): string {
  switch (rec.r) {
    case 'ev':
      return `run ${String(rec.run)} event ${String(rec.seq)}`;
    case 'kf':
      return `run ${String(rec.run)} keyframe ${String(rec.seq)}`;
    case 'run':
      return `run ${String((rec.run as { id?: unknown } | undefined)?.id)} metadata`;
    case 'blob':
      return `blob ${String(rec.hash).slice(0, 12)}`;
    case 'fix':
      return `run ${String(rec.run)} fix report ${String((rec.fix as { id?: unknown } | undefined)?.id).slice(0, 80)}`;
    default:
      return `record on line ${lineNo}`;
  }
}

/** Scans a written trace file; returns findings like `run X event 12: the value of $OPENAI_API_KEY`. */
export async function scanTraceFileForSecrets(file: string, env: Record<string, string | undefined>, limits: ReadLimits = DEFAULT_LIMITS): Promise<string[]> {
  const masker = new StoreMasker(env);
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 6 && isSecretEnvName(k)) names.set(v, k);
  const describe = (secret: string): string => (names.has(secret) ? `the value of $${names.get(secret)}` : `a token shaped like ${secret.slice(0, 4)}…`);
  const findings: string[] = [];
  const check = (text: string, at: string): void => {
    for (const s of masker.secrets.findIn(text)) {
      const f = `${at}: ${describe(s)}`;
      if (!findings.includes(f)) findings.push(f);
    }
  };

  // Unlimited sizes: this is our own output, just written.
  const unlimited: ReadLimits = { ...limits, maxFileBytes: Number.MAX_SAFE_INTEGER, maxDataBytes: Number.MAX_SAFE_INTEGER };
  const opened = openTraceFile(file, file, unlimited);
  for (const s of strings(opened.header)) check(s, 'header');
  for await (const { lineNo, text } of bodyLines(file, file, opened, unlimited)) {
    if (findings.length >= MAX_FINDINGS) break;
    const rec = JSON.parse(text) as Record<string, unknown>;
    if (rec.r === 'blob' && typeof rec.b64 === 'string') {
      // latin1 maps every byte to one character: ASCII secrets inside binary or text blobs are found alike.
      const bytes = Buffer.from(rec.b64, 'base64').toString('latin1');
      if (masker.mayContainSecret(bytes)) check(bytes, where(rec, lineNo));
      continue;
    }
    if (!masker.mayContainSecret(text)) continue;
    const at = where(rec, lineNo);
    if (rec.r === 'run' && rec.failure !== undefined) {
      // A run's detected failure is named on its own: it is what the AutoFix Engine found, not the recording.
      const { failure, ...meta } = rec;
      for (const s of strings(failure)) check(s, `run ${String((rec.run as { id?: unknown } | undefined)?.id)} failure`);
      for (const s of strings(meta)) check(s, at);
      continue;
    }
    for (const s of strings(rec)) check(s, at);
  }
  return findings;
}
