/**
 * The workbench's routes live in the URL hash (the page itself is served once, with the token in the query):
 * `#/` the Traces screen, `#/run/<id>?step=N` the Trace screen with step N selected (`&compare=<other>`: with the
 * compare view open against another run), `#/run/<id>/fix` starts a fix
 * of that run (the screen then replaces the URL with the fix's own), `#/fix/<fixId>` the fix review screen.
 */
export type Route = { screen: 'traces' } | { screen: 'run'; runId: string; step?: number; compare?: string } | { screen: 'fixStart'; runId: string } | { screen: 'fix'; fixId: string };

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [path, query = ''] = h.split('?', 2);
  const fix = /^\/fix\/([^/]+)\/?$/.exec(path);
  if (fix) {
    const fixId = decode(fix[1]);
    return fixId ? { screen: 'fix', fixId } : { screen: 'traces' };
  }
  const m = /^\/run\/([^/]+)(\/fix)?\/?$/.exec(path);
  if (!m) return { screen: 'traces' };
  const runId = decode(m[1]);
  if (!runId) return { screen: 'traces' };
  if (m[2]) return { screen: 'fixStart', runId };
  const stepText = new URLSearchParams(query).get('step');
  const step = stepText !== null && /^\d+$/.test(stepText) ? Number(stepText) : undefined;
  const compare = new URLSearchParams(query).get('compare') || undefined;
  return { screen: 'run', runId, ...(step === undefined ? {} : { step }), ...(compare ? { compare } : {}) };
}

export function formatRoute(r: Route): string {
  if (r.screen === 'traces') return '#/';
  if (r.screen === 'fix') return `#/fix/${encodeURIComponent(r.fixId)}`;
  if (r.screen === 'fixStart') return `#/run/${encodeURIComponent(r.runId)}/fix`;
  const q = new URLSearchParams();
  if (r.step !== undefined) q.set('step', String(r.step));
  if (r.compare) q.set('compare', r.compare);
  const qs = q.toString();
  return `#/run/${encodeURIComponent(r.runId)}${qs ? `?${qs}` : ''}`;
}
