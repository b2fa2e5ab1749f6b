/**
 * The rows of the timeline's list: an event (with its span-tree caret, payload match and waterfall bar), a folded
 * group of values from one source, and a chunk of a streamed call shown under the call. Pure views: Timeline.tsx decides what they show.
 */
import { chunkOrdinal } from '../../../../shared/model/eventSummary';
import { waterfallBar } from '../../../../shared/model/spanTree';
import type { TimelineGroup } from '../../../../shared/model/timelineGroups';
import type { EventSummary, SearchHit } from '../../../../shared/rpc/contract';
import { KindBadge } from '../../components/KindBadge';
import { formatDuration, relTime } from '../format';

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

interface GroupRowProps {
  group: TimelineGroup;
  first: EventSummary;
  last: EventSummary;
  depth: number;
  selected: boolean;
  style: React.CSSProperties;
  startOf: (seq: number) => number;
  onClick: () => void;
}

/** A folded run of values from one source (click or → unfolds it). */
export function GroupRow({ group: g, first, last, depth, selected, style, startOf, onClick }: GroupRowProps): React.JSX.Element {
  return (
    <div
      id={`tl-g${g.key}`}
      role="treeitem"
      aria-selected={selected}
      aria-level={depth + 1}
      aria-expanded={g.expanded}
      data-group={g.key}
      data-kind={g.kind}
      className={`tl-row tl-group${selected ? ' tl-selected' : ''}`}
      style={depth > 0 ? { ...style, paddingLeft: `calc(var(--space-3) + ${depth * 16}px)` } : style}
      onClick={onClick}
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

interface EventRowProps {
  event: EventSummary;
  depth: number;
  /** Events inside this step or tool (0: not a step, or an empty one). */
  inside: number;
  open: boolean;
  /** A value unfolded from a group. */
  member: boolean;
  selected: boolean;
  hit?: SearchHit;
  /** The waterfall bar on [0, 1] of the run's time axis. */
  bar: { left: number; width: number };
  style: React.CSSProperties;
  startOf: (seq: number) => number;
  onSelect: (seq: number) => void;
  onToggle: (seq: number, open: boolean) => void;
  /** A streamed call: its chunks are shown underneath. */
  streamOpen: boolean;
  onToggleStream: (seq: number, open: boolean) => void;
}

/** One event: its kind, step, title, payload match or detail, waterfall bar, duration and time. */
export function EventRow({ event: e, depth, inside, open, member, selected, hit, bar, style, startOf, onSelect, onToggle, streamOpen, onToggleStream }: EventRowProps): React.JSX.Element {
  // What the caret opens: a step's events, or a streamed call's chunks.
  const fold =
    inside > 0
      ? { open, title: `${open ? 'Collapse' : 'Expand'} ${e.title} (${inside} inside)`, toggle: () => onToggle(e.seq, !open) }
      : e.chunkTimes
        ? { open: streamOpen, title: `${streamOpen ? 'Hide' : 'Show'} the streamed chunks of ${e.title}`, toggle: () => onToggleStream(e.seq, !streamOpen) }
        : undefined;
  return (
    <div
      id={`tl-${e.seq}`}
      role="treeitem"
      aria-selected={selected}
      aria-level={depth + 1}
      aria-expanded={fold?.open}
      data-seq={e.seq}
      data-kind={e.kind}
      data-depth={depth}
      className={`tl-row${member ? ' tl-member' : ''}${selected ? ' tl-selected' : ''}${e.error ? ' tl-error' : ''}${e.lib ? ' tl-lib' : ''}`}
      style={depth > 0 ? { ...style, paddingLeft: `calc(var(--space-3) + ${depth * 16}px)` } : style}
      onClick={() => onSelect(e.seq)}
      title={`${e.detail ? `${e.title}\n${e.detail}` : e.title}${e.chunkTimes ? `\nstreamed, first chunk after ${formatDuration(e.chunkTimes[0])}` : ''}`}
    >
      {fold ? (
        <span
          className="tl-caret tl-span-caret"
          aria-hidden="true"
          title={fold.title}
          onClick={(ev) => {
            ev.stopPropagation();
            fold.toggle();
          }}
        >
          {fold.open ? '▾' : '▸'}
        </span>
      ) : (
        <span className="tl-caret" aria-hidden="true" />
      )}
      <KindBadge kind={e.kind} />
      <span className="tl-seq mono">{e.seq}</span>
      <span className="tl-title">
        {e.title}
        {e.chunkTimes && !streamOpen && <span className="tl-inside"> · {(e.chunkCount ?? e.chunkTimes.length).toLocaleString()} chunks</span>}
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
}

interface ChunkRowProps {
  /** The streamed call. */
  event: EventSummary;
  /** Index into its chunkTimes. */
  index: number;
  depth: number;
  /** The call's start on the run's time axis (ms). */
  offset: number;
  extent: number;
  style: React.CSSProperties;
  onSelect: (seq: number) => void;
}

/** One chunk of a streamed call, under the call: which chunk, when it arrived, and its tick on the run's time axis. */
export function ChunkRow({ event: e, index, depth, offset, extent, style, onSelect }: ChunkRowProps): React.JSX.Element {
  const times = e.chunkTimes ?? [];
  const t = times[index] ?? 0;
  const total = e.chunkCount ?? times.length;
  const tick = waterfallBar(offset + t, 0, extent);
  const sampled = total > times.length;
  return (
    <div
      role="treeitem"
      aria-selected={false}
      aria-level={depth + 1}
      data-chunk={`${e.seq}:${index}`}
      className="tl-row tl-chunk"
      style={{ ...style, paddingLeft: `calc(var(--space-3) + ${depth * 16}px)` }}
      onClick={() => onSelect(e.seq)}
      title={sampled ? `${times.length} of the call's ${total} chunks are drawn, evenly sampled` : undefined}
    >
      <span className="tl-caret" aria-hidden="true" />
      <span className="tl-chunk-mark" aria-hidden="true" />
      <span className="tl-seq mono" />
      <span className="tl-title">
        chunk {chunkOrdinal(index, times.length, total)} of {total.toLocaleString()}
      </span>
      <span className="tl-detail">+{formatDuration(t)} after the request</span>
      <span className="tl-wf" aria-hidden="true">
        <span className={`tl-wf-bar tl-wf-tick kind-${e.kind}`} style={{ left: `${tick.left * 100}%`, width: '2px' }} />
      </span>
      <span className="tl-dur mono" title="after the request">
        +{formatDuration(t)}
      </span>
      <span className="tl-time mono" />
    </div>
  );
}
