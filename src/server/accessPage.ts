/**
 * The page served instead of the workbench when its URL lacks the access token or carries a wrong one (an old tab
 * after `agenttrace ui` restarted, a token cut off while copying). It explains what to do and never names the token.
 */

export type AccessProblem = 'missing' | 'wrong';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
  body { margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; background: Canvas; color: CanvasText; }
  main { max-width: 36rem; padding: 24px; line-height: 1.5; }
  h1 { font-size: 1.3rem; margin: 0 0 12px; }
  code { font-family: ui-monospace, Menlo, Consolas, monospace; padding: 1px 4px; border-radius: 4px; background: color-mix(in srgb, CanvasText 10%, transparent); }
`;

/** The whole HTML document for a request to the workbench page without a valid token. */
export function accessPageHtml(problem: AccessProblem): string {
  const what =
    problem === 'missing'
      ? 'This address has no access token, so the workbench cannot load your traces.'
      : 'The access token in this address is not the one of the running <code>agenttrace ui</code> (it changes every time the server starts).';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>AgentTrace: open the link printed by agenttrace ui</title><style>${STYLE}</style></head>
<body><main>
<h1>Open the link printed by <code>agenttrace ui</code></h1>
<p>${what}</p>
<p>Use the full URL that <code>agenttrace ui</code> printed in its terminal (it ends with <code>?token=…</code>). If that terminal is gone, run <code>agenttrace ui</code> again and open the new URL.</p>
</main></body>
</html>
`;
}
