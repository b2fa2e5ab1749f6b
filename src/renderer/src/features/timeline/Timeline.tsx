import { useCallback } from 'react';
import { EVENT_KINDS } from '../../../../shared/model/eventSummary';
import type { EventKind } from '../../../../shared/trace/types';
import { Placeholder } from '../../components/Placeholder';
import { VirtualList } from '../../components/VirtualList';
import { formatDuration, relTime } from '../format';
import { KindBadge } from '../../components/KindBadge';
import { KIND_BADGE, KIND_LABEL } from '../../components/kinds';
import type { TimelineData } from './useTimeline';
import { indexOfSeq } from './useTimeline';
import './Timeline.css';

const ROW_HEIGHT = 30;
const PAGE_ROWS = 20;

interface Props {
  data: TimelineData;
  /** Start of the run that recorded a step (a branch's inherited steps: its ancestor's); times are relative to it. */
  startOf: (seq: number) => number;
  selectedSeq?: number;
  onSelect: (seq: number) => void;
  /** Kinds shown; undefined: all. */
  kinds?: EventKind[];
  onKindsChange: (kinds: EventKind[] | undefined) => void;
  /** The run is still recording: no events yet means "not yet", not "none". */
  live?: boolean;
}

/** Next selection for a navigation key, or undefined when the key is not one of ours. */
function moveSelection(key: string, index: number, count: number): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return index < 0 ? 0 : Math.min(count - 1, index + 1);
    case 'k':
    case 'ArrowUp':
      return index < 0 ? 0 : Math.max(0, index - 1);
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, index) + PAGE_ROWS);
    case 'PageUp':
      return Math.max(0, index - PAGE_ROWS);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/** Every event of the run, one row each, windowed; filter by kind; j/k or arrows move the selection. */
export function Timeline({ data, startOf, selectedSeq, onSelect, kinds, onKindsChange, live = false }: Props): React.JSX.Element {
  const selectedIndex = indexOfSeq(data.rows, selectedSeq);
  // From "all", a chip narrows to its kind; then chips add or remove kinds; none left means all again.
  const toggle = (k: EventKind): void => {
    if (!kinds) return onKindsChange([k]);
    const current = new Set(kinds);
    if (current.has(k)) current.delete(k);
    else current.add(k);
    const next = EVENT_KINDS.filter((x) => current.has(x));
    onKindsChange(next.length === EVENT_KINDS.length || next.length === 0 ? undefined : next);
  };

  const renderRow = useCallback(
    (i: number, style: React.CSSProperties) => {
      const e = data.rows[i];
      if (!e) {
        return <div key={`p${i}`} className="tl-row tl-row-pending" style={style} aria-hidden="true" />;
      }
      const selected = i === selectedIndex;
      return (
        <div
          key={e.seq}
          id={`tl-${e.seq}`}
          role="option"
          aria-selected={selected}
          data-seq={e.seq}
          data-kind={e.kind}
          className={`tl-row${selected ? ' tl-selected' : ''}${e.error ? ' tl-error' : ''}`}
          style={style}
          onClick={() => onSelect(e.seq)}
          title={e.detail ? `${e.title}\n${e.detail}` : e.title}
        >
          <KindBadge kind={e.kind} />
          <span className="tl-seq mono">{e.seq}</span>
          <span className="tl-title">{e.title}</span>
          {e.detail && <span className="tl-detail">{e.detail}</span>}
          <span className="tl-dur mono">{e.durationMs !== undefined ? formatDuration(e.durationMs) : ''}</span>
          <span className="tl-time mono">{relTime(e.ts, startOf(e.seq))}</span>
        </div>
      );
    },
    [data.rows, selectedIndex, onSelect, startOf],
  );

  const onKeyDown = (ev: React.KeyboardEvent): void => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const next = moveSelection(ev.key, selectedIndex, data.rows.length);
    if (next === undefined) return;
    ev.preventDefault();
    onSelect(data.rows[next].seq);
  };

  const active = new Set(kinds ?? []);
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="tl-filters" role="group" aria-label="Filter events by kind">
        <button type="button" className="tl-chip tl-chip-all" aria-pressed={!kinds} onClick={() => onKindsChange(undefined)}>
          ALL
        </button>
        {EVENT_KINDS.map((k) => (
          <button key={k} type="button" className={`tl-chip kind-${k}`} aria-pressed={active.has(k)} title={KIND_LABEL[k]} onClick={() => toggle(k)}>
            {KIND_BADGE[k]}
          </button>
        ))}
        <span className="tl-count" aria-live="polite">
          {data.status === 'ready' ? `${data.total.toLocaleString()} event${data.total === 1 ? '' : 's'}${data.complete ? '' : ' …'}` : ''}
        </span>
      </div>
      {data.status === 'loading' && <Placeholder kind="loading">Loading events…</Placeholder>}
      {data.status === 'error' && <Placeholder kind="error">{data.error}</Placeholder>}
      {data.status === 'ready' && data.total === 0 && (
        <Placeholder kind={live ? 'loading' : 'empty'}>{live ? (kinds ? 'No events of these kinds yet…' : 'Waiting for the first events…') : kinds ? 'No events of these kinds.' : 'This run recorded no events.'}</Placeholder>
      )}
      {data.status === 'ready' && data.total > 0 && (
        <VirtualList
          count={data.total}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          scrollToIndex={selectedIndex}
          className="tl-list"
          containerProps={{
            role: 'listbox',
            tabIndex: 0,
            'aria-label': 'Events',
            'aria-activedescendant': selectedIndex >= 0 ? `tl-${data.rows[selectedIndex].seq}` : undefined,
            onKeyDown,
          }}
        />
      )}
    </section>
  );
}
