import { useEffect, useRef } from 'react';
import './RunNotFound.css';

/**
 * An address naming a run the store does not have (a mistyped or shortened id, a run deleted since the link was
 * copied): says so and leads back to the traces list, instead of an error line on an empty screen.
 */
export function RunNotFound({ runId, onBack }: { runId: string; onBack: () => void }): React.JSX.Element {
  const link = useRef<HTMLAnchorElement>(null);
  useEffect(() => link.current?.focus(), []);
  return (
    <section className="run-not-found" aria-labelledby="run-not-found-title">
      <h2 id="run-not-found-title">Run not found</h2>
      <p>
        There is no run <code className="mono">{runId}</code> in this store. It may have been deleted, or the address may be mistyped; <code>agenttrace list</code> prints the
        run ids.
      </p>
      <a
        ref={link}
        className="btn btn-primary"
        href="#/"
        onClick={(e) => {
          e.preventDefault();
          onBack();
        }}
      >
        Back to the traces list
      </a>
    </section>
  );
}
