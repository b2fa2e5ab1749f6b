import { useCallback, useMemo, useRef, useState } from 'react';
import { EVENT_KINDS } from '../../../../shared/model/eventSummary';
import { buildSpanTree, depthOf, waterfallBar, waterfallExtent } from '../../../../shared/model/spanTree';
import { filterRows, foldedGroupHiding, groupTimeline, itemIndexOfSeq, seqOfItem, withStreamChunks, type TimelineGroup } from '../../../../shared/model/timelineGroups';
import type { SearchResult } from '../../../../shared/rpc/contract';
import type { EventKind } from '../../../../shared/trace/types';
import { Placeholder } from '../../components/Placeholder';
import { VirtualList } from '../../components/VirtualList';
import { KIND_BADGE, KIND_LABEL } from '../../components/kinds';
import { ChunkRow, EventRow, GroupRow } from './TimelineRows';
import { ancestorsOf, moveSelection, rowBySeq, withMember } from './timelineNav';
import type { TimelineData } from './useTimeline';
import { usePayloadSearch } from './usePayloadSearch';
import './Timeline.css';

const ROW_HEIGHT = 30;

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
  /** Full-text search of the run's payloads (the find box also lists events whose payload has the words). */
  search?: (query: string) => Promise<SearchResult>;
}

/**
 * Every event of the run as a span tree, windowed: what happened inside an SDK step or tool (calls, values, console
 * lines, nested steps) sits under it and folds with it, each row with its bar on the run's time axis (the waterfall:
 * a call's waiting part lighter); values consumed inside client libraries are hidden unless "Show library
 * internals" is on; runs of values from one source fold into an expandable group row. Filter by kind; find by text
 * in summaries and payloads (/ focuses the find box, Enter jumps to the next match); j/k or arrows move the
 * selection, → / ← open and close a step or a group (← inside a step goes to the step).
 */
export function Timeline({ data, startOf, selectedSeq, onSelect, kinds, onKindsChange, live = false, search }: Props): React.JSX.Element {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  /** Streamed calls shown with their chunks underneath. */
  const [openStreams, setOpenStreams] = useState<ReadonlySet<number>>(() => new Set());
  const [showLibrary, setShowLibrary] = useState(false);
  const [query, setQuery] = useState('');
  const findBox = useRef<HTMLInputElement>(null);
  const payload = usePayloadSearch(search, query, live ? data.total : 0);
  // The find box narrows the loaded rows (a run's rows all load, in pages) to those whose summary or payload has the
  // words; the kind filter is the host's.
  const matched = useMemo(() => filterRows(data.rows, query, payload.bySeq), [data.rows, query, payload.bySeq]);
  const searching = matched !== data.rows;
  // The span tree: steps hold what happened inside them; library values hidden unless asked for.
  const tree = useMemo(() => buildSpanTree(matched, { showLibrary, collapsed }), [matched, showLibrary, collapsed]);
  const rows = tree.rows;
  const items = useMemo(() => withStreamChunks(groupTimeline(rows, expanded), rows, openStreams), [rows, expanded, openStreams]);
  const extent = useMemo(() => waterfallExtent(rows, (r) => r.ts - startOf(r.seq)), [rows, startOf]);
  // A selection inside a folded group (a deep link, a click in the inspector) unfolds it, so the step is in view;
  // inside a collapsed step it opens the steps around it; a library value shows library values.
  const hiding = foldedGroupHiding(items, rows, selectedSeq);
  if (hiding) setExpanded(new Set(expanded).add(hiding.key));
  const selectedRow = selectedSeq === undefined ? undefined : rowBySeq(matched, selectedSeq);
  if (selectedRow?.lib && !showLibrary) setShowLibrary(true);
  if (selectedRow && collapsed.size > 0) {
    const closed = ancestorsOf(matched, selectedRow.seq).filter((a) => collapsed.has(a));
    if (closed.length > 0) setCollapsed(new Set([...collapsed].filter((c) => !closed.includes(c))));
  }
  const toggleStream = useCallback((seq: number, open: boolean) => setOpenStreams((prev) => withMember(prev, seq, open)), []);
  const toggleStep = useCallback((seq: number, open: boolean) => setCollapsed((prev) => withMember(prev, seq, !open)), []);
  const selectedIndex = itemIndexOfSeq(items, rows, selectedSeq);
  const setGroup = useCallback((g: TimelineGroup, open: boolean) => setExpanded((prev) => withMember(prev, g.key, open)), []);

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
        return (
          <GroupRow
            key={`g${g.key}`}
            group={g}
            first={rows[g.first]}
            last={rows[g.last]}
            depth={depthOf(tree, rows[g.first])}
            selected={selected}
            style={style}
            startOf={startOf}
            onClick={() => {
              // Unfolding starts at the burst's first value (the view stays put); folding selects the group again.
              setGroup(g, !g.expanded);
              onSelect(g.expanded ? g.lastSeq : g.firstSeq);
            }}
          />
        );
      }
      const e = rows[it.row];
      if (it.type === 'chunk') {
        return <ChunkRow key={`c${e.seq}-${it.index}`} event={e} index={it.index} depth={depthOf(tree, e) + 1} offset={e.ts - startOf(e.seq)} extent={extent} style={style} onSelect={onSelect} />;
      }
      return (
        <EventRow
          key={e.seq}
          event={e}
          depth={depthOf(tree, e)}
          inside={tree.steps.get(e.seq)?.descendants ?? 0}
          open={!collapsed.has(e.seq)}
          member={it.member}
          selected={selected}
          hit={payload.bySeq.get(e.seq)}
          bar={waterfallBar(e.ts - startOf(e.seq), e.durationMs, extent)}
          style={style}
          startOf={startOf}
          onSelect={onSelect}
          onToggle={toggleStep}
          streamOpen={openStreams.has(e.seq)}
          onToggleStream={toggleStream}
        />
      );
    },
    [items, rows, selectedIndex, onSelect, startOf, setGroup, tree, collapsed, payload.bySeq, extent, toggleStep, openStreams, toggleStream],
  );

  /** The group the selection is in or on, for → and ←. */
  const groupAt = (index: number): TimelineGroup | undefined => {
    for (let i = index; i >= 0; i--) {
      const it = items[i];
      if (it.type === 'group') return it.group;
      if (it.type === 'chunk' || !it.member) return undefined;
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
    // A step with events inside: → opens it, ← closes it (← inside a step goes to the step).
    const sel = items[selectedIndex];
    const selRow = sel?.type === 'event' && !sel.member ? rows[sel.row] : undefined;
    if (selRow && (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft')) {
      const node = tree.steps.get(selRow.seq);
      if (node && node.descendants > 0) {
        const open = !collapsed.has(selRow.seq);
        if (ev.key === 'ArrowRight' && !open) {
          ev.preventDefault();
          toggleStep(selRow.seq, true);
          return;
        }
        if (ev.key === 'ArrowLeft' && open) {
          ev.preventDefault();
          toggleStep(selRow.seq, false);
          return;
        }
      } else if (selRow.chunkTimes && openStreams.has(selRow.seq) !== (ev.key === 'ArrowRight')) {
        // A streamed call: → shows its chunks underneath, ← hides them.
        ev.preventDefault();
        toggleStream(selRow.seq, ev.key === 'ArrowRight');
        return;
      } else if (ev.key === 'ArrowLeft' && selRow.parentSeq !== undefined && tree.steps.has(selRow.parentSeq)) {
        ev.preventDefault();
        onSelect(selRow.parentSeq);
        return;
      }
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
    let next = moveSelection(ev.key, selectedIndex, items.length);
    if (next === undefined) return;
    ev.preventDefault();
    // Chunk rows belong to their call (they are not steps): the selection moves past them.
    const dir = next >= selectedIndex ? 1 : -1;
    while (items[next]?.type === 'chunk') next += dir;
    if (!items[next]) next = selectedIndex;
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
            if (e.key === 'Escape') {
              // Esc leaves the find box: cleared, focus back on the events (j/k work again).
              e.preventDefault();
              setQuery('');
              e.currentTarget.closest('.timeline')?.querySelector<HTMLElement>('.tl-list')?.focus();
            }
            // Enter: to the first match after the selection (wrapping), the list keeps the focus for j/k.
            if (e.key === 'Enter' && rows.length > 0) {
              e.preventDefault();
              const next = rows.find((r) => selectedSeq === undefined || r.seq > selectedSeq) ?? rows[0];
              onSelect(next.seq);
            }
          }}
        />
        <label className="tl-lib-toggle" title="Clock reads and random draws made inside client libraries (openai, groq-sdk…)">
          <input type="checkbox" checked={showLibrary} onChange={(e) => setShowLibrary(e.target.checked)} /> Show library internals
          {!showLibrary && tree.hiddenLibrary > 0 && <span className="tl-lib-count"> ({tree.hiddenLibrary.toLocaleString()} hidden)</span>}
        </label>
        <span className="tl-count" aria-live="polite">
          {data.status !== 'ready'
            ? ''
            : searching
              ? `${matched.length.toLocaleString()} of ${data.total.toLocaleString()} events${data.complete ? '' : ' …'}${payload.status === 'searching' ? ' · searching payloads…' : payload.more ? ' · more payload matches: refine the words' : ''}`
              : `${data.total.toLocaleString()} event${data.total === 1 ? '' : 's'}${data.complete ? '' : ' …'}`}
        </span>
      </div>
      {data.status === 'loading' && <Placeholder kind="loading">Loading events…</Placeholder>}
      {data.status === 'error' && <Placeholder kind="error">{data.error}</Placeholder>}
      {data.status === 'ready' && data.total === 0 && (
        <Placeholder kind={live ? 'loading' : 'empty'}>{live ? (kinds ? 'No events of these kinds yet…' : 'Waiting for the first events…') : kinds ? 'No events of these kinds.' : 'This run recorded no events.'}</Placeholder>
      )}
      {payload.status === 'error' && <p className="tl-search-error" role="alert">{payload.error}</p>}
      {data.status === 'ready' && data.total > 0 && searching && rows.length === 0 && (
        <Placeholder kind="empty">{payload.status === 'searching' ? 'Searching payloads…' : data.complete ? `No event matches “${query.trim()}”.` : 'No match yet…'}</Placeholder>
      )}
      {data.status === 'ready' && data.total > 0 && (!searching || rows.length > 0) && (
        <VirtualList
          count={items.length + (searching ? 0 : Math.max(0, data.total - data.rows.length))}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          scrollToIndex={selectedIndex}
          className="tl-list"
          containerProps={{
            role: 'tree',
            tabIndex: 0,
            'aria-label': 'Events',
            'data-focus-on-open': '',
            'aria-activedescendant': activeId,
            onKeyDown,
          }}
        />
      )}
    </section>
  );
}
