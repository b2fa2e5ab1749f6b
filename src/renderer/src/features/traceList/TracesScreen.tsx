import { useMemo, useRef, useState } from 'react';
import type { EventSubscribe, WorkbenchApi } from '../../../../shared/rpc/contract';
import type { RunStatus } from '../../../../shared/trace/types';
import { TRACE_FILE_EXT } from '../../../../shared/rpc/limits';
import { Placeholder } from '../../components/Placeholder';
import { RecordDialog } from '../record/RecordDialog';
import { useRecordDialog } from '../record/useRecordDialog';
import { TraceDropZone } from './TraceDropZone';
import { FixStatsStrip } from './FixStatsStrip';
import { TraceList } from './TraceList';
import { useFixStats } from './useFixStats';
import type { TraceDrop } from './useTraceDrop';
import { useRuns } from './useRuns';
import './TracesScreen.css';

const STATUSES: RunStatus[] = ['ok', 'failed', 'crashed', 'diverged', 'running', 'pending'];

interface Props {
  api: WorkbenchApi;
  subscribe: EventSubscribe;
  onOpen: (runId: string) => void;
  /** Starts a fix of a failed run. */
  onFix: (runId: string) => void;
  /** Opens a fix attempt. */
  onOpenFix: (fixId: string) => void;
  /** The window's trace-file import (its banner lives above every screen). */
  drop: TraceDrop;
}

/** The Traces screen: every run of the store, searchable and filterable; trace files dropped on it are imported. */
export function TracesScreen({ api, subscribe, onOpen, onFix, onOpenFix, drop }: Props): React.JSX.Element {
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<RunStatus | ''>('');
  const runs = useRuns(api, subscribe, query, drop.importedCount);
  const stats = useFixStats(api, subscribe);
  const fileInput = useRef<HTMLInputElement>(null);
  const record = useRecordDialog(api, onOpen);
  const shown = useMemo(() => (runs.status === 'ready' ? runs.runs.filter((r) => !status || r.status === status) : []), [runs, status]);

  return (
    <section className="traces-screen" aria-label="Traces">
      <div className="traces-toolbar">
        <input className="input traces-search" type="search" placeholder="Search by name, script or id" aria-label="Search traces" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select className="input" aria-label="Filter by status" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | '')}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="traces-count" aria-live="polite">
          {runs.status === 'ready' ? `${shown.length} of ${runs.total} run${runs.total === 1 ? '' : 's'}` : ''}
        </span>
        <button type="button" className="btn" disabled={drop.busy} onClick={() => fileInput.current?.click()}>
          Open trace file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept={TRACE_FILE_EXT}
          multiple
          hidden
          aria-label="Trace files to open"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length) void drop.importFiles(files);
          }}
        />
        <button type="button" className="btn btn-primary" aria-haspopup="dialog" onClick={record.show}>
          Record a script…
        </button>
      </div>
      {stats && stats.runs > 0 && <FixStatsStrip stats={stats} />}
      {record.open && <RecordDialog state={record} />}
      <TraceDropZone drop={drop}>
        <div className="traces-body">
          {runs.status === 'loading' && <Placeholder kind="loading">Loading traces…</Placeholder>}
          {runs.status === 'error' && <Placeholder kind="error">{runs.message}</Placeholder>}
          {runs.status === 'ready' && runs.total === 0 && !query && (
            <Placeholder kind="empty">
              <span className="traces-empty-actions">
                <span>
                  No traces yet. Record one with “Record a script…” or <code>agenttrace record my_agent.ts</code>, drop a <code>.agenttrace</code> file here, or look around first:
                </span>
                <button type="button" className="btn btn-primary" disabled={drop.busy} onClick={() => void drop.importSample()}>
                  Open the sample trace
                </button>
              </span>
            </Placeholder>
          )}
          {runs.status === 'ready' && (runs.total > 0 || query) && shown.length === 0 && <Placeholder kind="empty">No run matches these filters.</Placeholder>}
          {runs.status === 'ready' && shown.length > 0 && <TraceList runs={shown} onOpen={onOpen} onFix={onFix} onOpenFix={onOpenFix} />}
        </div>
      </TraceDropZone>
    </section>
  );
}
