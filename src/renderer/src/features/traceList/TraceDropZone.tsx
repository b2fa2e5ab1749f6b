import { useRef, useState } from 'react';
import type { TraceDrop } from './useTraceDrop';
import './TraceDropZone.css';

const hasFiles = (e: React.DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files');

/**
 * The Traces screen's drop target: dropping `.agenttrace` files on it imports them (with a highlighted overlay while
 * dragging). The outcome shows in the window's DropBanner; drops elsewhere in the window go through useWindowDrop.
 */
export function TraceDropZone({ drop, children }: { drop: TraceDrop; children: React.ReactNode }): React.JSX.Element {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child element crossed: count them so the overlay does not flicker.
  const depth = useRef(0);

  return (
    <div
      className={`trace-drop${over ? ' trace-drop-over' : ''}`}
      data-testid="trace-drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        if (files.length) void drop.importFiles(files);
      }}
    >
      {children}
      {over && (
        <div className="trace-drop-overlay" aria-hidden="true">
          Drop .agenttrace files to import and open them
        </div>
      )}
    </div>
  );
}
