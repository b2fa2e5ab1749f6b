import { useCallback, useRef, useState } from 'react';
import './SplitPane.css';

interface Props {
  direction: 'horizontal' | 'vertical';
  /** Remembered across launches under this key. */
  storageKey: string;
  /** Initial size of the first pane, as a fraction of the container. */
  initial: number;
  min?: number;
  max?: number;
  /** Caps the first pane in pixels (its content needs no more): the second pane takes the rest. */
  maxFirstPx?: number;
  first: React.ReactNode;
  second: React.ReactNode;
  label: string;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function readSize(key: string, fallback: number): number {
  const v = Number(window.localStorage.getItem(`agenttrace.split.${key}`));
  return Number.isFinite(v) && v > 0 && v < 1 ? v : fallback;
}

/** Two panes with a draggable (and keyboard-movable) divider; sizes are fractions so window resizes keep ratios. */
export function SplitPane({ direction, storageKey, initial, min = 0.15, max = 0.85, maxFirstPx, first, second, label }: Props): React.JSX.Element {
  const [size, setSize] = useState(() => clamp(readSize(storageKey, initial), min, max));
  const box = useRef<HTMLDivElement>(null);
  const horizontal = direction === 'horizontal';

  const commit = useCallback(
    (v: number) => {
      const next = clamp(v, min, max);
      setSize(next);
      window.localStorage.setItem(`agenttrace.split.${storageKey}`, String(next));
    },
    [min, max, storageKey],
  );

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>): void => {
    const el = box.current;
    if (!el) return;
    e.preventDefault();
    const rect = el.getBoundingClientRect();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => commit(horizontal ? (ev.clientX - rect.left) / rect.width : (ev.clientY - rect.top) / rect.height);
    const up = (): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const step = e.shiftKey ? 0.1 : 0.02;
    const back = horizontal ? 'ArrowLeft' : 'ArrowUp';
    const fwd = horizontal ? 'ArrowRight' : 'ArrowDown';
    if (e.key === back) commit(size - step);
    else if (e.key === fwd) commit(size + step);
    else return;
    e.preventDefault();
  };

  const pct = `${(size * 100).toFixed(2)}%`;
  return (
    <div ref={box} className={`split split-${direction}`}>
      <div className="split-pane" style={{ flexBasis: pct, ...(maxFirstPx === undefined ? {} : horizontal ? { maxWidth: maxFirstPx } : { maxHeight: maxFirstPx }) }}>
        {first}
      </div>
      <div
        className="split-divider"
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation={horizontal ? 'vertical' : 'horizontal'}
        aria-valuenow={Math.round(size * 100)}
        aria-valuemin={Math.round(min * 100)}
        aria-valuemax={Math.round(max * 100)}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      <div className="split-pane split-pane-rest">{second}</div>
    </div>
  );
}
