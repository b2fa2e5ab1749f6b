import { useEffect, useRef } from 'react';
import type { ConsoleLine } from '../../../../shared/rpc/contract';
import './ConsoleTab.css';

/** What the agent printed up to the step (pure view); the newest line is kept in view. */
export function ConsoleTab({ lines, total, seq }: { lines: ConsoleLine[]; total: number; seq: number }): React.JSX.Element {
  const end = useRef<HTMLDivElement>(null);
  // A block body on purpose: newer Chromium returns a Promise from scrollIntoView, which is not a cleanup function.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [lines]);
  if (lines.length === 0) return <p className="st-muted">Nothing printed up to step {seq}.</p>;
  return (
    <div className="console-tab mono" role="log" aria-label="Console output">
      {total > lines.length && <div className="st-muted">… {total - lines.length} earlier lines not shown</div>}
      {lines.map((l) => (
        <div key={l.seq} className={`console-line console-${l.stream}${l.seq === seq ? ' console-current' : ''}`}>
          <span className="console-seq">{l.seq}</span>
          <span className="console-text">{l.text.replace(/\n$/, '')}</span>
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}
