import './Placeholder.css';

/** Loading, empty and error states: same box and size, so content replacing them does not jump. */
export function Placeholder({ kind, children }: { kind: 'loading' | 'empty' | 'error'; children: React.ReactNode }): React.JSX.Element {
  return (
    <div className={`placeholder placeholder-${kind}`} role={kind === 'error' ? 'alert' : 'status'} aria-busy={kind === 'loading'}>
      {kind === 'loading' && <span className="spinner" aria-hidden="true" />}
      <span>{children}</span>
    </div>
  );
}
