import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import './VirtualList.css';

interface Props {
  count: number;
  /** Every row has this height (px): positions are computed, never measured, so 100k rows cost nothing. */
  rowHeight: number;
  renderRow: (index: number, style: React.CSSProperties) => React.ReactNode;
  /** Scrolled into view whenever it changes (the keyboard selection). */
  scrollToIndex?: number;
  overscan?: number;
  className?: string;
  /** Props for the scrolling element (role, aria-*, tabIndex, keyboard handler). */
  containerProps?: React.HTMLAttributes<HTMLDivElement> & { [data: `data-${string}`]: string };
}

/** A windowed list: only the rows in view (plus a few) are in the DOM. */
export function VirtualList({ count, rowHeight, renderRow, scrollToIndex, overscan = 8, className, containerProps }: Props): React.JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [scrollToIndex, rowHeight]);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  const rows: React.ReactNode[] = [];
  for (let i = first; i <= last; i++) rows.push(renderRow(i, { position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }));

  return (
    <div {...containerProps} ref={scroller} className={`vlist ${className ?? ''}`} onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}>
      <div className="vlist-inner" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
