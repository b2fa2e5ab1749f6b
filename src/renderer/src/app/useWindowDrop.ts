import { useEffect } from 'react';
import type { TraceDrop } from '../features/traceList/useTraceDrop';

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/**
 * Drops anywhere in the window (toolbar, header, the trace screen): the browser's default for a dropped file or link
 * is to navigate to it, which would leave the workbench. Every drag is accepted at the document, and a drop that no
 * drop zone handled (its handler calls preventDefault first: React listens below the document) imports its files
 * or says why nothing happened.
 */
export function useWindowDrop(drop: TraceDrop): void {
  // Both are stable callbacks: the listeners are added once.
  const { importFiles, notify } = drop;
  useEffect(() => {
    const onDragOver = (e: DragEvent): void => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = hasFiles(e) ? 'copy' : 'none';
    };
    const onDrop = (e: DragEvent): void => {
      if (e.defaultPrevented) return;
      e.preventDefault();
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) void importFiles(files);
      else notify('Only .agenttrace files can be dropped on the workbench: nothing was imported.');
    };
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('dragover', onDragOver);
      document.removeEventListener('drop', onDrop);
    };
  }, [importFiles, notify]);
}
