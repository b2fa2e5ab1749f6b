import { useCallback, useMemo, useRef, useState } from 'react';
import { EVENT_KINDS } from '../../../../shared/model/eventSummary';
import { buildSpanTree, depthOf, waterfallBar, waterfallExtent } from '../../../../shared/model/spanTree';
import { filterRows, foldedGroupHiding, groupTimeline, itemIndexOfSeq, seqOfItem, type TimelineGroup } from '../../../../shared/model/timelineGroups';
import type { EventSummary, SearchHit, SearchResult } from '../../../../shared/rpc/contract';
import type { EventKind } from '../../../../shared/trace/types';
import { Placeholder } from '../../components/Placeholder';
import { VirtualList } from '../../components/VirtualList';
import { formatDuration, relTime } from '../format';
import { KindBadge } from '../../components/KindBadge';
import { KIND_BADGE, KIND_LABEL } from '../../components/kinds';
import type { TimelineData } from './useTimeline';
import { usePayloadSearch } from './usePayloadSearch';
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
  /** Full-text search of the run's payloads (the find box also lists events whose payload has the words). */
  search?: (query: string) => Promise<SearchResult>;
}

/** Characters kept before the first match: the cell is narrow, the match must be in view. */
const SNIPPET_LEAD = 12;

/** A snippet with its matched words marked, starting shortly before the first match. */
function Snippet({ hit }: { hit: SearchHit }): React.JSX.Element {
  const parts: React.ReactNode[] = [];
  const first = hit.matches[0]?.[0] ?? 0;
  let at = Math.max(0, first - SNIPPET_LEAD);
  if (at > 0) parts.push('…');
  for (const [a, b] of hit.matches) {
    if (a > at) parts.push(hit.snippet.slice(at, a));
    parts.push(<mark key={a}>{hit.snippet.slice(a, b)}</mark>);
    at = b;
  }
  parts.push(hit.snippet.slice(at));
  return <>{parts}</>;
}

/** The row of a seq in rows sorted by seq (binary search: this runs on every render of a 100k-row timeline). */
function rowBySeq(rows: readonly EventSummary[], seq: number): EventSummary | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].seq === seq) return rows[mid];
    if (rows[mid].seq < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The steps enclosing a row, innermost first (by the recorded nesting of the loaded rows). */
function ancestorsOf(rows: readonly EventSummary[], seq: number): number[] {
  const out: number[] = [];
  for (let r = rowBySeq(rows, seq); r?.parentSeq !== undefined && out.length < 1000; r = rowBySeq(rows, r.parentSeq)) out.push(r.parentSeq);
  return out;
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
  const items = useMemo(() => groupTimeline(rows, expanded), [rows, expanded]);
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
  const toggleStep = useCallback((seq: number, open: boolean) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (open) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }, []);
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
        const depth = depthOf(tree, first);
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
            style={depth > 0 ? { ...style, paddingLeft: `calc(var(--space-3) + ${depth * 16}px)` } : style}
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
            <span className="tl-wf" aria-hidden="true" />
            <span className="tl-dur mono">{formatDuration(last.ts - first.ts)}</span>
            <span className="tl-time mono">{relTime(first.ts, startOf(first.seq))}</span>
          </div>
        );
      }
      const e = rows[it.row];
      const depth = depthOf(tree, e);
      const step = tree.steps.get(e.seq);
      const inside = step?.descendants ?? 0;
      const open = !collapsed.has(e.seq);
      const hit = payload.bySeq.get(e.seq);
      const offset = e.ts - startOf(e.seq);
      const bar = waterfallBar(offset, e.durationMs, extent);
      return (
        <div
          key={e.seq}
          id={`tl-${e.seq}`}
          role="option"
          aria-selected={selected}
          // (a listbox option takes no aria-level: the nesting is data-depth and the indent)
          aria-expanded={inside > 0 ? open : undefined}
          data-seq={e.seq}
          data-kind={e.kind}
          data-depth={depth}
          className={`tl-row${it.member ? ' tl-member' : ''}${selected ? ' tl-selected' : ''}${e.error ? ' tl-error' : ''}${e.lib ? ' tl-lib' : ''}`}
          style={depth > 0 ? { ...style, paddingLeft: `calc(var(--space-3) + ${depth * 16}px)` } : style}
          onClick={() => onSelect(e.seq)}
          title={`${e.detail ? `${e.title}\n${e.detail}` : e.title}${e.chunkTimes ? `\nstreamed, first chunk after ${formatDuration(e.chunkTimes[0])}` : ''}`}
        >
          {inside > 0 ? (
            <button
              type="button"
              className="tl-caret tl-span-caret"
              tabIndex={-1}
              aria-label={`${open ? 'Collapse' : 'Expand'} ${e.title} (${inside} inside)`}
              onClick={(ev) => {
                ev.stopPropagation();
                toggleStep(e.seq, !open);
              }}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span className="tl-caret" aria-hidden="true" />
          )}
          <KindBadge kind={e.kind} />
          <span className="tl-seq mono">{e.seq}</span>
          <span className="tl-title">
            {e.title}
            {inside > 0 && !open && <span className="tl-inside"> · {inside.toLocaleString()} inside</span>}
            {e.lib && <span className="tl-lib-tag"> · library</span>}
          </span>
          {hit ? (
            <span className="tl-detail tl-hit" data-testid="payload-hit">
              <Snippet hit={hit} />
            </span>
          ) : (
            e.detail && <span className="tl-detail">{e.detail}</span>
          )}
          <span className="tl-wf" aria-hidden="true">
            <span className={`tl-wf-bar kind-${e.kind}`} style={{ left: `${bar.left * 100}%`, width: bar.width > 0 ? `max(2px, ${bar.width * 100}%)` : '2px' }}>
              {e.ttfbMs !== undefined && e.durationMs ? <span className="tl-wf-wait" style={{ width: `${Math.min(100, (e.ttfbMs / e.durationMs) * 100)}%` }} /> : null}
              {e.chunkTimes && e.durationMs
                ? e.chunkTimes.map((t, k) => <span key={k} className="tl-wf-chunk" style={{ left: `${Math.min(100, (t / (e.durationMs as number)) * 100)}%` }} />)
                : null}
            </span>
          </span>
          <span className="tl-dur mono">{e.durationMs !== undefined ? formatDuration(e.durationMs) : ''}</span>
          <span className="tl-time mono">{relTime(e.ts, startOf(e.seq))}</span>
        </div>
      );
    },
    [items, rows, selectedIndex, onSelect, startOf, setGroup, tree, collapsed, payload.bySeq, extent, toggleStep],
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
            role: 'listbox',
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
