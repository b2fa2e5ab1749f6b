import type { Async } from '../../app/useAsync';
import type { FileView, StateView } from '../../../../shared/rpc/contract';
import { Placeholder } from '../../components/Placeholder';
import './FilesTab.css';

interface Props {
  state: StateView;
  openPath?: string;
  file: Async<FileView>;
  onOpen: (path: string) => void;
}

/** What a file entry says beside its path: the content hash, "deleted" or where it was renamed to / from. */
export function fileNote(path: string, hash: string | null, renamed: Record<string, string>): string {
  if (hash === null) return renamed[path] !== undefined ? `renamed → ${renamed[path]}` : 'deleted';
  const from = Object.keys(renamed).find((src) => renamed[src] === path);
  return from !== undefined ? `${hash.slice(0, 8)} · renamed from ${from}` : hash.slice(0, 8);
}

/** Files the agent wrote, as they were at the step (pure view); one opens beside the list. */
export function FilesTab({ state, openPath, file, onOpen }: Props): React.JSX.Element {
  const entries = Object.entries(state.files).sort(([a], [b]) => a.localeCompare(b));
  const renamed = state.renamed;
  if (entries.length === 0) return <p className="st-muted">No files written by this step.</p>;
  return (
    <div className="files-tab">
      <ul className="files-list" aria-label="Files">
        {entries.map(([path, hash]) => (
          <li key={path}>
            <button
              type="button"
              className={`files-item${path === openPath ? ' files-open' : ''}${hash === null ? (renamed[path] !== undefined ? ' files-renamed' : ' files-deleted') : ''}`}
              aria-pressed={path === openPath}
              onClick={() => onOpen(path)}
            >
              <span className="mono files-path">{path}</span>
              <span className="st-muted mono files-note">{fileNote(path, hash, renamed)}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="files-content">
        {!openPath && <Placeholder kind="empty">Select a file to see its content at this step.</Placeholder>}
        {openPath && file.status === 'loading' && <Placeholder kind="loading">Loading {openPath}…</Placeholder>}
        {openPath && file.status === 'error' && <Placeholder kind="error">{file.message}</Placeholder>}
        {openPath && file.status === 'ready' && (file.value.text !== undefined ? <pre className="files-pre mono">{file.value.text}</pre> : <Placeholder kind="empty">{file.value.note}</Placeholder>)}
      </div>
    </div>
  );
}
