/** Structural checks of parsed journal lines, before the ingestor touches the database. */

export const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Structural check of one parsed line, so a damaged or hostile line is skipped with a warning instead of aborting
 * the whole chunk's transaction (which would stall ingestion of everything after it).
 */
export function checkLine(line: unknown): string | undefined {
  if (!line || typeof line !== 'object' || Array.isArray(line)) return 'not a journal record';
  const l = line as Record<string, unknown>;
  switch (l.t) {
    case 'run': {
      const m = l.meta as Record<string, unknown> | undefined;
      return m && typeof m === 'object' ? undefined : 'run record without meta';
    }
    case 'ev':
      return isSeq(l.seq) && typeof l.kind === 'string' && typeof l.ts === 'number' && l.payload !== undefined ? undefined : 'event record with a bad seq, kind, ts or payload';
    case 'patch':
      return isSeq(l.seq) && l.payload !== null && typeof l.payload === 'object' && !Array.isArray(l.payload) ? undefined : 'patch record with a bad seq or payload';
    case 'batch':
      return isSeq(l.seq) && typeof l.kind === 'string' && typeof l.ts === 'number' && (typeof l.f64 === 'string' ? /^[A-Za-z0-9+/]*=*$/.test(l.f64) : Array.isArray(l.values))
        ? undefined
        : 'batch record with a bad seq, kind, ts or values';
    case 'blob':
      return typeof l.hash === 'string' && /^[0-9a-f]{16,128}$/.test(l.hash) && typeof l.b64 === 'string' ? undefined : 'blob record with a bad hash or data';
    case 'kf': {
      const k = l.keyframe as Record<string, unknown> | undefined;
      return k && typeof k === 'object' && isSeq(k.seq) ? undefined : 'keyframe record without a seq';
    }
    case 'end':
      return typeof l.status === 'string' && ['running', 'ok', 'failed', 'crashed', 'diverged'].includes(l.status) && typeof l.endedAt === 'number'
        ? undefined
        : 'end record with a bad status';
    case 'warn':
      return undefined;
    case 'diverge': {
      const r = l.report as Record<string, unknown> | undefined;
      return r && typeof r === 'object' && isSeq(r.seq) ? undefined : 'diverge record without a report';
    }
    case 'verify': {
      const r = l.result as Record<string, unknown> | undefined;
      return r && typeof r === 'object' && isSeq(r.seq) && typeof r.ok === 'boolean' && Array.isArray(r.paths) ? undefined : 'verify record with a bad result';
    }
    case 'verdict': {
      const v = l.verdict as Record<string, unknown> | undefined;
      return v && typeof v === 'object' && typeof v.identical === 'boolean' ? undefined : 'verdict record without a verdict';
    }
    default:
      return `unknown record type ${JSON.stringify(l.t)}`;
  }
}
