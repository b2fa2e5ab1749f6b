import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useAsync } from '../../app/useAsync';
import { sourceWindow, type ErrorFrame } from '../../../../shared/model/errorFrames';
import type { SourceView } from '../../../../shared/rpc/contract';
import { JsonTree } from '../stateInspector/JsonTree';
import './SourcePanel.css';

/** Lines shown above and below the frame's line. */
const CONTEXT = 40;
const NO_MARKS = new Map();

interface Props {
  frame: ErrorFrame;
  loadSource: (url: string) => Promise<SourceView>;
}

/** One frame of the failing stack: its recorded source at the frame's line, and its locals at the error. */
export function SourcePanel({ frame, loadSource }: Props): React.JSX.Element {
  const own = frame.kind === 'own';
  const load = useCallback(() => loadSource(frame.url), [loadSource, frame.url]);
  const source = useAsync(own ? load : null);
  return (
    <div className="source-panel">
      <h4 className="sp-title mono">
        {frame.functionName || '<anonymous>'}{' '}
        <span className="sp-loc">
          {decodeURI(frame.url.replace(/^file:\/\//, ''))}:{frame.line}:{frame.column}
        </span>
      </h4>
      {!own ? (
        <p className="ep-muted">{frame.kind === 'library' ? 'Library code: its source is not recorded.' : 'Node.js internals: no source recorded.'}</p>
      ) : source.status === 'ready' ? (
        <SourceLines source={source.value} line={frame.line} />
      ) : source.status === 'error' ? (
        <p className="ep-muted" role="status">
          Source not recorded for this file ({source.message}).
        </p>
      ) : (
        <p className="ep-muted" role="status">
          Loading source…
        </p>
      )}
      <section className="sp-locals" aria-label="Locals at the error">
        <h4>Locals at the error</h4>
        <Locals frame={frame} />
      </section>
    </div>
  );
}

function SourceLines({ source, line }: { source: SourceView; line: number }): React.JSX.Element {
  const { first, lines } = useMemo(() => sourceWindow(source.text, line, CONTEXT), [source.text, line]);
  const box = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Centre the frame's line inside the code box (its offsetParent: positioned), then bring the box into the
    // inspector's view without moving the page.
    const b = box.current;
    const c = current.current;
    if (!b || !c) return;
    b.scrollTop = Math.max(0, c.offsetTop - b.clientHeight / 2 + c.clientHeight / 2);
    b.scrollIntoView?.({ block: 'nearest' });
  }, [first, line]);
  return (
    <>
      <p className="sp-meta">
        Recorded {source.capturedAt === 'error' ? 'when the error happened' : 'when the run started'}
        {source.changedOnDisk === true && <span className="sp-changed"> · the file changed on disk since; this is the recorded version</span>}
      </p>
      {lines.length === 0 ? (
        <p className="ep-muted">Line {line} is past the end of the recorded source.</p>
      ) : (
        <div className="sp-code mono" ref={box} role="region" aria-label={`Source around line ${line}`} tabIndex={0}>
          {lines.map((text, i) => {
            const n = first + i;
            const hit = n === line;
            return (
              <div key={n} className={hit ? 'sp-line sp-hit' : 'sp-line'} ref={hit ? current : undefined} aria-current={hit ? 'true' : undefined} data-line={n}>
                <span className="sp-num" aria-hidden="true">
                  {n}
                </span>
                <span className="sp-text">{text || ' '}</span>
              </div>
            );
          })}
        </div>
      )}
    </>
  );
}

function Locals({ frame }: { frame: ErrorFrame }): React.JSX.Element {
  if (frame.locals === undefined) {
    const why =
      frame.kind !== 'own'
        ? 'locals are captured for your own code only.'
        : frame.async
          ? 'this frame was waiting at an await when the error happened, and its variables were not read then.'
          : 'locals are read where your code throws (throw statements) or calls an LLM; this error was raised elsewhere (for example reading a property of undefined), and an offline replay to the error did not reproduce the recording (the record command said why). Record with AGENTTRACE_LOCALS=exceptions to read them at every exception.';
    return (
      <p className="ep-muted sp-not-captured">
        <strong>Not captured</strong> — {why}
      </p>
    );
  }
  const names = Object.keys(frame.locals);
  return (
    <>
      {frame.localsLine !== undefined && <p className="sp-meta">Read at line {frame.localsLine}, where the error was thrown again.</p>}
      {frame.localsBy === 'replay' && <p className="sp-meta">Read by replaying the run offline to this error (same steps, same error): JavaScript raised it without a throw statement, where a recording cannot stop.</p>}
      {frame.async && <p className="sp-meta">Read when this frame made the call it was still awaiting when the error happened.</p>}
      {names.length === 0 ? <p className="ep-muted">This frame has no local variables.</p> : <JsonTree value={frame.locals} rootPath="locals" label="locals" marks={NO_MARKS} openDepth={2} />}
    </>
  );
}
