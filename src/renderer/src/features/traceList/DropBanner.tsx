import type { TraceDrop } from './useTraceDrop';
import './DropBanner.css';

/**
 * The outcome of the last drop, on every screen until dismissed or the next drop: one line per file that failed
 * with its reason, the files that did import (with a button to open each), or a note for a drop that held nothing
 * to import.
 */
export function DropBanner({ drop, onOpen }: { drop: TraceDrop; onOpen: (runId: string) => void }): React.JSX.Element | null {
  const { failures, imported, note, busy } = drop;
  if (busy) {
    return (
      <div className="drop-banner drop-banner-status" role="status">
        Importing…
      </div>
    );
  }
  if (!failures.length && !note) return null;
  return (
    <div className={`drop-banner${failures.length ? ' drop-banner-error' : ''}`} role={failures.length ? 'alert' : 'status'}>
      <div className="drop-banner-text">
        {failures.map((f, i) => (
          <div key={`${f.file}-${i}`}>
            Could not import <strong>{f.file}</strong>: {f.message}
          </div>
        ))}
        {imported.map((o) => (
          <div key={o.file} className="drop-banner-ok">
            Imported <strong>{o.file}</strong>{' '}
            <button type="button" className="btn drop-banner-open" onClick={() => onOpen(o.focus)}>
              Open
            </button>
          </div>
        ))}
        {note && <div>{note}</div>}
      </div>
      <button type="button" className="btn" onClick={drop.dismiss} aria-label={failures.length ? 'Dismiss import errors' : 'Dismiss'}>
        Dismiss
      </button>
    </div>
  );
}
