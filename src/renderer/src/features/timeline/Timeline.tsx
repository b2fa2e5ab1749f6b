import { useCallback, useMemo, useRef, useState } from 'react';
import { EVENT_KINDS } from '../../../../shared/model/eventSummary';
import { filterRows, foldedGroupHiding, groupTimeline, itemIndexOfSeq, seqOfItem, type TimelineGroup } from '../../../../shared/model/timelineGroups';
import type { EventKind } from '../../../../shared/trace/types';
import { Placeholder } from '../../components/Placeholder';
import { VirtualList } from '../../components/VirtualList';
import { formatDuration, relTime } from '../format';
import { KindBadge } from '../../components/KindBadge';
import { KIND_BADGE, KIND_LABEL } from '../../components/kinds';
import type { TimelineData } from './useTimeline';
import './Timeline.css';

const ROW_HEIGHT = 30;
const PAGE_ROWS = 20;

interface Props {
  data: TimelineData;
  /** The origin a step's time is measured from (one axis across a branch's forks, see shared/model/timeAxis). */
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

/**
 * Every event of the run, one row each, windowed; runs of values from one source fold into an expandable group row;
 * filter by kind; find by text (/ focuses the find box); j/k or arrows move the selection, → / ← (or Enter) unfold
 * and fold a group.
 */
export function Timeline({ data, startOf, selectedSeq, onSelect, kinds, onKindsChange, live = false }: Props): React.JSX.Element {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [query, setQuery] = useState('');
  const findBox = useRef<HTMLInputElement>(null);
  // The find box narrows the loaded rows (a run's rows all load, in pages); the kind filter is the host's.
  const rows = useMemo(() => filterRows(data.rows, query), [data.rows, query]);
  const searching = rows !== data.rows;
  const items = useMemo(() => groupTimeline(rows, expanded), [rows, expanded]);
  // A selection inside a folded group (a deep link, a click in the inspector) unfolds it, so the step is in view.
  const hiding = foldedGroupHiding(items, rows, selectedSeq);
  if (hiding) setExpanded(new Set(expanded).add(hiding.key));
  const selectedIndex = itemIndexOfSeq(items, rows, selectedSeq);
  const setGroup = useCallback((g: TimelineGroup, open: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open) next.add(g.key);
      else next.delete(g.key);
      return next;
    });
  }, []);

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
      const it = items[i];
      if (!it) {
        return <div key={`p${i}`} className="tl-row tl-row-pending" style={style} aria-hidden="true" />;
      }
      const selected = i === selectedIndex;
      if (it.type === 'group') {
        const g = it.group;
        const first = rows[g.first];
        const last = rows[g.last];
        return (
          <div
            key={`g${g.key}`}
            id={`tl-g${g.key}`}
            role="option"
            aria-selected={selected}
            aria-expanded={g.expanded}
            data-group={g.key}
            data-kind={g.kind}
            className={`tl-row tl-group${selected ? ' tl-selected' : ''}`}
            style={style}
            onClick={() => {
              // Unfolding starts at the burst's first value (the view stays put); folding selects the group again.
              setGroup(g, !g.expanded);
              onSelect(g.expanded ? g.lastSeq : g.firstSeq);
            }}
            title={`${g.count.toLocaleString()} values of ${g.source}, steps ${g.firstSeq}–${g.lastSeq} (click or → to unfold)`}
          >
            <KindBadge kind={g.kind} />
            <span className="tl-seq mono">{g.firstSeq}</span>
            <span className="tl-title">
              <span className="tl-caret" aria-hidden="true">
                {g.expanded ? '▾' : '▸'}
              </span>{' '}
              {g.source} × {g.count.toLocaleString()}
            </span>
            <span className="tl-detail">
              steps {g.firstSeq}–{g.lastSeq}
            </span>
            <span className="tl-dur mono">{formatDuration(last.ts - first.ts)}</span>
            <span className="tl-time mono">{relTime(first.ts, startOf(first.seq))}</span>
          </div>
        );
      }
      const e = rows[it.row];
      return (
        <div
          key={e.seq}
          id={`tl-${e.seq}`}
          role="option"
          aria-selected={selected}
          data-seq={e.seq}
          data-kind={e.kind}
          className={`tl-row${it.member ? ' tl-member' : ''}${selected ? ' tl-selected' : ''}${e.error ? ' tl-error' : ''}`}
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
    [items, rows, selectedIndex, onSelect, startOf, setGroup],
  );

  /** The group the selection is in or on, for → and ←. */
  const groupAt = (index: number): TimelineGroup | undefined => {
    for (let i = index; i >= 0; i--) {
      const it = items[i];
      if (it.type === 'group') return it.group;
      if (!it.member) return undefined;
    }
    return undefined;
  };
  const onKeyDown = (ev: React.KeyboardEvent): void => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === '/') {
      ev.preventDefault();
      findBox.current?.focus();
      return;
    }
    const g = selectedIndex >= 0 ? groupAt(selectedIndex) : undefined;
    if (g && (ev.key === 'ArrowRight' || ev.key === 'Enter') && !g.expanded) {
      ev.preventDefault();
      setGroup(g, true);
      onSelect(g.firstSeq);
      return;
    }
    if (g && ev.key === 'ArrowLeft' && g.expanded) {
      ev.preventDefault();
      setGroup(g, false);
      onSelect(g.lastSeq);
      return;
    }
    const next = moveSelection(ev.key, selectedIndex, items.length);
    if (next === undefined) return;
    ev.preventDefault();
    const seq = seqOfItem(items, rows, next);
    if (seq !== undefined) onSelect(seq);
  };
  const selected = items[selectedIndex];
  const activeId = !selected ? undefined : selected.type === 'group' ? `tl-g${selected.group.key}` : `tl-${rows[selected.row].seq}`;

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
        <input
          ref={findBox}
          className="input tl-find"
          type="search"
          placeholder="Find…  (/)"
          aria-label="Find in timeline"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
        />
        <span className="tl-count" aria-live="polite">
          {data.status !== 'ready'
            ? ''
            : searching
              ? `${rows.length.toLocaleString()} of ${data.total.toLocaleString()} events${data.complete ? '' : ' …'}`
              : `${data.total.toLocaleString()} event${data.total === 1 ? '' : 's'}${data.complete ? '' : ' …'}`}
        </span>
      </div>
      {data.status === 'loading' && <Placeholder kind="loading">Loading events…</Placeholder>}
      {data.status === 'error' && <Placeholder kind="error">{data.error}</Placeholder>}
      {data.status === 'ready' && data.total === 0 && (
        <Placeholder kind={live ? 'loading' : 'empty'}>{live ? (kinds ? 'No events of these kinds yet…' : 'Waiting for the first events…') : kinds ? 'No events of these kinds.' : 'This run recorded no events.'}</Placeholder>
      )}
      {data.status === 'ready' && data.total > 0 && searching && rows.length === 0 && <Placeholder kind="empty">{data.complete ? `No event matches “${query.trim()}”.` : 'No match yet…'}</Placeholder>}
      {data.status === 'ready' && data.total > 0 && (!searching || rows.length > 0) && (
        <VirtualList
          count={items.length + (searching ? 0 : Math.max(0, data.total - rows.length))}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          scrollToIndex={selectedIndex}
          className="tl-list"
          containerProps={{
            role: 'listbox',
            tabIndex: 0,
            'aria-label': 'Events',
            'aria-activedescendant': activeId,
            onKeyDown,
          }}
        />
      )}
    </section>
  );
}
