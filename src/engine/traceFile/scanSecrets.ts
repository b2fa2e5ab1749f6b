/**
 * The last gate of an export: reads the written file back (as any reader would) and looks for secrets — the values
 * of the host's secret-named environment variables, secret-shaped tokens, and values of secret-named fields or
 * assignments that are not masked (redact.ts) — in every string of every record, keys included (run failures and fix
 * reports too: they quote errors, provider bodies and the user's files), and in the bytes of every blob. Everything
 * was masked when it was recorded; this catches what slipped through (an SDK hook that forgot to mask, a row written by other means). Findings name where the
 * secret is (record, event seq, field path) and what it looks like, never the secret itself.
 */
import { MASK, findSecretName, isSecretEnvName, isSecretField } from '../../shared/trace/redact.js';
import { StoreMasker } from '../store/storeMasker.js';
import { bodyLines, DEFAULT_LIMITS, openTraceFile, type ReadLimits } from './readTraceFile.js';

const MAX_FINDINGS = 20;

/** Keys of a record that say which record it is, not what it holds (left out of field paths). */
const ID_KEYS = new Set(['r', 'run', 'seq', 'hash']);

/** A string inside a JSON value with its field path, and the key that holds it. */
interface Leaf {
  path: string;
  key: string | undefined;
  text: string;
}

/** Every string inside a JSON value, object keys included, with its path (iterative: the value may be deep). */
function* strings(value: unknown, root = ''): Generator<Leaf> {
  const stack: { v: unknown; path: string; key: string | undefined }[] = [{ v: value, path: root, key: undefined }];
  const join = (p: string, k: string): string => (p ? `${p}.${k}` : k);
  while (stack.length > 0) {
    const { v, path, key } = stack.pop() as { v: unknown; path: string; key: string | undefined };
    if (typeof v === 'string') yield { path: path || 'value', key, text: v };
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: join(path, String(i)), key }));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (!path && ID_KEYS.has(k) && typeof x !== 'object') continue;
        yield { path: join(path, k), key: undefined, text: k };
        stack.push({ v: x, path: join(path, k), key: k });
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

/** Scans a written trace file; returns findings like `run X event 12, field payload.text: the value of $OPENAI_API_KEY`. */
export async function scanTraceFileForSecrets(file: string, env: Record<string, string | undefined>, limits: ReadLimits = DEFAULT_LIMITS): Promise<string[]> {
  const masker = new StoreMasker(env);
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 6 && isSecretEnvName(k)) names.set(v, k);
  const describe = (secret: string): string => (names.has(secret) ? `the value of $${names.get(secret)}` : `a token shaped like ${secret.slice(0, 4)}…`);
  const findings: string[] = [];
  const add = (f: string): void => {
    if (!findings.includes(f)) findings.push(f);
  };
  const check = (leaf: Leaf, at: string): void => {
    const field = leaf.path ? `${at}, field ${leaf.path}` : at;
    const found = masker.secrets.findIn(leaf.text);
    for (const s of found) add(`${field}: ${describe(s)}`);
    if (found.length > 0) return;
    // What the store's maskJson blanks (a secret-named field or local) and maskText's name rules would replace.
    if (leaf.key !== undefined && leaf.text !== MASK && isSecretField(leaf.key, leaf.text)) add(`${field}: the unmasked value of a field named "${leaf.key}"`);
    else {
      const name = findSecretName(leaf.text);
      if (name !== undefined) add(`${field}: an unmasked value assigned to "${name}"`);
    }
  };
  // Unlimited sizes: this is our own output, just written.
  const unlimited: ReadLimits = { ...limits, maxFileBytes: Number.MAX_SAFE_INTEGER, maxDataBytes: Number.MAX_SAFE_INTEGER };
  const opened = openTraceFile(file, file, unlimited);
  for (const leaf of strings(opened.header)) check(leaf, 'header');
  for await (const { lineNo, text } of bodyLines(file, file, opened, unlimited)) {
    if (findings.length >= MAX_FINDINGS) break;
    const rec = JSON.parse(text) as Record<string, unknown>;
    if (rec.r === 'blob' && typeof rec.b64 === 'string') {
      // latin1 maps every byte to one character: ASCII secrets inside binary or text blobs are found alike.
      const bytes = Buffer.from(rec.b64, 'base64').toString('latin1');
      if (masker.mayContainSecret(bytes)) check({ path: '', key: undefined, text: bytes }, where(rec, lineNo));
      continue;
    }
    if (!masker.mayContainSecret(text)) continue;
    const at = where(rec, lineNo);
    if (rec.r === 'run' && rec.failure !== undefined) {
      // A run's detected failure is named on its own: it is what the AutoFix Engine found, not the recording.
      const { failure, ...meta } = rec;
      for (const leaf of strings(failure, 'failure')) check(leaf, `run ${String((rec.run as { id?: unknown } | undefined)?.id)} failure`);
      for (const leaf of strings(meta)) check(leaf, at);
      continue;
    }
    for (const leaf of strings(rec)) check(leaf, at);
  }
  return findings;
}
