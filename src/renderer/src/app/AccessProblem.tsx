import './AccessProblem.css';

/**
 * The workbench cannot talk to its host: no token in the address (or no desktop bridge), or the host refused the
 * token (this tab outlived the `agenttrace ui` that printed it). Says what to do; never shows any token.
 */
export function AccessProblem({ problem }: { problem: 'missing' | 'unauthorized' }): React.JSX.Element {
  return (
    <section className="access-problem" role="alert" aria-labelledby="access-problem-title">
      <h2 id="access-problem-title">Open the link printed by <code>agenttrace ui</code></h2>
      <p>
        {problem === 'missing'
          ? 'This address has no access token, so the workbench cannot reach its host.'
          : 'The host refused this page’s access token: agenttrace ui was restarted (it picks a new token each time) or the address was cut short.'}
      </p>
      <p>
        Use the full URL that <code>agenttrace ui</code> printed in its terminal (it ends with <code>?token=…</code>). If that terminal is gone, run <code>agenttrace ui</code> again and
        open the new URL.
      </p>
    </section>
  );
}
