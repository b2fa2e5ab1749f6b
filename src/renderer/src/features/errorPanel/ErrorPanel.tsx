import { useMemo, useState } from 'react';
import { defaultFrame, errorFrames, foldFrames, type ErrorFrame } from '../../../../shared/model/errorFrames';
import type { SourceView } from '../../../../shared/rpc/contract';
import type { ErrorPayload } from '../../../../shared/trace/types';
import { FrameList } from './FrameList';
import { SourcePanel } from './SourcePanel';
import './ErrorPanel.css';

interface Props {
  error: ErrorPayload;
  /** Loads the recorded source of a file (a file URL from the stack). */
  loadSource: (url: string) => Promise<SourceView>;
}

const ORIGIN: Record<ErrorPayload['origin'], string> = {
  uncaughtException: 'Uncaught exception',
  unhandledRejection: 'Unhandled promise rejection',
};

/**
 * An `error` step: the error's type and message as text, its stack as a list of frames (own code first, library
 * and Node frames folded), and for the chosen frame its recorded source at that line and its locals at the error.
 */
export function ErrorPanel({ error, loadSource }: Props): React.JSX.Element {
  const frames = useMemo(() => errorFrames(error), [error]);
  const rows = useMemo(() => foldFrames(frames), [frames]);
  const [chosen, setChosen] = useState<number | undefined>(() => defaultFrame(frames));
  const frame: ErrorFrame | undefined = chosen === undefined ? undefined : frames[chosen];
  return (
    <section className="error-panel" aria-label="Error">
      <header className="ep-head">
        <p className="ep-origin">{ORIGIN[error.origin] ?? error.origin}</p>
        <h3 className="ep-title">
          <span className="ep-name">{error.name}</span>
          {error.message && <span className="ep-message">: {error.message}</span>}
        </h3>
      </header>
      <div className="ep-body">
        <FrameList rows={rows} chosen={chosen} onChoose={setChosen} />
        {frame ? (
          <SourcePanel key={chosen} frame={frame} loadSource={loadSource} />
        ) : (
          <p className="ep-muted">No stack was recorded for this error (a value thrown without one).</p>
        )}
      </div>
    </section>
  );
}
