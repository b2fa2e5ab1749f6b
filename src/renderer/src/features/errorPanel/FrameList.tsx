import { useState } from 'react';
import type { ErrorFrame, FrameRow } from '../../../../shared/model/errorFrames';
import { shortUrl } from '../stateInspector/StateTab';
import './FrameList.css';

interface Props {
  rows: FrameRow[];
  chosen: number | undefined;
  onChoose: (index: number) => void;
}

/** The failing stack, innermost first: own frames as buttons, each run of library/Node frames behind a toggle. */
export function FrameList({ rows, chosen, onChoose }: Props): React.JSX.Element {
  const [open, setOpen] = useState<Record<number, boolean>>({});
  if (rows.length === 0) return <p className="ep-muted">No stack frames.</p>;
  return (
    <ol className="frame-list" aria-label="Stack frames">
      {rows.map((row) => {
        if (row.type === 'frame') return <FrameItem key={row.index} index={row.index} frame={row.frame} chosen={chosen === row.index} onChoose={onChoose} />;
        const first = row.indexes[0];
        // A folded run holding the chosen frame opens by itself.
        const expanded = open[first] ?? (chosen !== undefined && row.indexes.includes(chosen));
        const n = row.frames.length;
        return (
          <li key={`fold-${first}`} className="fl-fold">
            <button type="button" className="fl-fold-toggle" aria-expanded={expanded} onClick={() => setOpen((o) => ({ ...o, [first]: !expanded }))}>
              <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> {n} library frame{n === 1 ? '' : 's'}
            </button>
            {expanded && (
              <ol className="frame-list fl-nested">
                {row.frames.map((f, i) => (
                  <FrameItem key={row.indexes[i]} index={row.indexes[i]} frame={f} chosen={chosen === row.indexes[i]} onChoose={onChoose} />
                ))}
              </ol>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function FrameItem({ index, frame, chosen, onChoose }: { index: number; frame: ErrorFrame; chosen: boolean; onChoose: (i: number) => void }): React.JSX.Element {
  return (
    <li>
      <button type="button" className={`fl-frame fl-${frame.kind}`} aria-current={chosen ? 'true' : undefined} onClick={() => onChoose(index)} title={`${frame.url}:${frame.line}:${frame.column}`}>
        <span className="fl-fn mono">
          {frame.async && <span className="fl-async">async </span>}
          {frame.functionName || '<anonymous>'}
        </span>
        <span className="fl-loc mono">
          {shortUrl(frame.url)}:{frame.line}
        </span>
      </button>
    </li>
  );
}
