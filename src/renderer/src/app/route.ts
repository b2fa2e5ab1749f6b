/**
 * The workbench's routes live in the URL hash (the page itself is served once, with the token in the query):
 * `#/` the Traces screen, `#/run/<id>?step=N` the Trace screen with step N selected.
 */
export type Route = { screen: 'traces' } | { screen: 'run'; runId: string; step?: number };

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [path, query = ''] = h.split('?', 2);
  const m = /^\/run\/([^/]+)\/?$/.exec(path);
  if (!m) return { screen: 'traces' };
  let runId: string;
  try {
    runId = decodeURIComponent(m[1]);
  } catch {
    return { screen: 'traces' };
  }
  const stepText = new URLSearchParams(query).get('step');
  const step = stepText !== null && /^\d+$/.test(stepText) ? Number(stepText) : undefined;
  return step === undefined ? { screen: 'run', runId } : { screen: 'run', runId, step };
}

export function formatRoute(r: Route): string {
  if (r.screen === 'traces') return '#/';
  return `#/run/${encodeURIComponent(r.runId)}${r.step === undefined ? '' : `?step=${r.step}`}`;
}
