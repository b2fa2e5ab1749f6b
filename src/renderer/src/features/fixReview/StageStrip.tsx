import type { StageView } from '../../../../shared/model/fixReview';
import './StageStrip.css';

const MARK: Record<StageView['state'], string> = { done: '✓', active: '…', pending: '', stopped: '✕' };
const STATE_TEXT: Record<StageView['state'], string> = { done: 'done', active: 'in progress', pending: 'waiting', stopped: 'stopped' };

/** The engine's stages as an ordered strip (pure view): done, in progress, waiting or stopped, each with its last line. */
export function StageStrip({ stages }: { stages: StageView[] }): React.JSX.Element {
  const active = stages.find((s) => s.state === 'active');
  return (
    <ol className="stage-strip" aria-label="Fix stages">
      {stages.map((s) => (
        <li key={s.stage} className={`stage stage-${s.state}`} data-stage={s.stage} aria-current={s.state === 'active' ? 'step' : undefined}>
          <span className="stage-mark" aria-hidden="true">
            {s.state === 'active' ? <span className="spinner" /> : MARK[s.state]}
          </span>
          <span className="stage-text">
            <span className="stage-label">{s.label}</span>
            <span className="visually-hidden"> ({STATE_TEXT[s.state]})</span>
            {s.detail && (
              <span className="stage-detail" title={s.detail}>
                {s.detail}
              </span>
            )}
          </span>
        </li>
      ))}
      <li className="visually-hidden" aria-live="polite">
        {active ? `${active.label}: ${active.detail ?? ''}` : ''}
      </li>
    </ol>
  );
}
