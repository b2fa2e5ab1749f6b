import { useCallback, useState } from 'react';
import type { ImportOutcome, WorkbenchApi } from '../../../../shared/rpc/contract';
import { ATR, type AtrErrorCode } from '../../../../shared/errors';
import { MAX_UPLOAD_BYTES, TRACE_FILE_EXT } from '../../../../shared/rpc/limits';

export interface TraceDrop {
  busy: boolean;
  /** Failed files of the last drop (or sample import): the error banner. */
  failures: Extract<ImportOutcome, { ok: false }>[];
  /** Files of that drop that did import, when some failed (the banner offers to open them). */
  imported: Extract<ImportOutcome, { ok: true }>[];
  /** Goes up after each import that stored something (lists reload on it). */
  importedCount: number;
  /** A note about the last drop that imported nothing and failed nothing (e.g. no files in it). */
  note: string | null;
  dismiss(): void;
  /** Shows a note in the banner (a drop the window cannot use). */
  notify(note: string): void;
  /** Imports dropped files and opens the first one that imported. */
  importFiles(files: File[]): Promise<void>;
  /** Imports the sample trace and opens it. */
  importSample(): Promise<void>;
}

const readB64 = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    // A data URL is the cheapest base64 encoder in a browser (no per-byte JS loop over a large file).
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.readAsDataURL(file);
  });

const failed = (file: string, message: string, code: AtrErrorCode = ATR.TRACE_FILE): ImportOutcome => ({ file, ok: false, code, message });

/**
 * Importing dropped trace files: in Electron by path (the preload's pathForFile, so large files never cross IPC as
 * bytes), in a browser by upload through the contract. Each file succeeds or fails on its own.
 */
export function useTraceDrop(api: WorkbenchApi, onOpen: (runId: string) => void): TraceDrop {
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<TraceDrop['failures']>([]);
  const [imported, setImported] = useState<TraceDrop['imported']>([]);
  const [note, setNote] = useState<string | null>(null);
  const [importedCount, setImportedCount] = useState(0);

  // With a failure among the files, stay where the banner is: opening a run would hide the errors. The good files
  // are imported all the same, and the banner offers to open them.
  const finish = useCallback(
    (outcomes: ImportOutcome[]) => {
      const bad = outcomes.filter((o): o is Extract<ImportOutcome, { ok: false }> => !o.ok);
      const good = outcomes.filter((o): o is Extract<ImportOutcome, { ok: true }> => o.ok);
      setFailures(bad);
      setImported(bad.length ? good : []);
      setNote(null);
      if (good.length) setImportedCount((n) => n + 1);
      if (!bad.length && good[0]) onOpen(good[0].focus);
    },
    [onOpen],
  );

  const run = useCallback(
    async (work: () => Promise<ImportOutcome[]>) => {
      setBusy(true);
      try {
        finish(await work());
      } catch (e) {
        setFailures([{ file: '(import)', ok: false, code: ATR.INTERNAL, message: e instanceof Error ? e.message : String(e) }]);
        setImported([]);
      } finally {
        setBusy(false);
      }
    },
    [finish],
  );

  const importFiles = useCallback(
    (files: File[]) =>
      run(async () => {
        const outcomes: ImportOutcome[] = [];
        const traces = files.filter((f) => f.name.toLowerCase().endsWith(TRACE_FILE_EXT));
        for (const f of files) if (!traces.includes(f)) outcomes.push(failed(f.name, `not a trace file (expected a ${TRACE_FILE_EXT} file)`));
        const bridge = window.agenttrace;
        if (bridge) {
          const paths = traces.map((f) => bridge.pathForFile(f)).filter(Boolean);
          if (paths.length) outcomes.push(...(await api.importTraceFiles({ paths })).outcomes);
          return outcomes;
        }
        for (const f of traces) {
          if (f.size > MAX_UPLOAD_BYTES) outcomes.push(failed(f.name, `too large to upload (${f.size} bytes); import it with: agenttrace import ${f.name}`));
          else outcomes.push(await api.uploadTraceFile({ name: f.name, dataB64: await readB64(f) }));
        }
        return outcomes;
      }),
    [api, run],
  );

  const importSample = useCallback(() => run(async () => [await api.importSample({})]), [api, run]);

  const dismiss = useCallback(() => {
    setFailures([]);
    setImported([]);
    setNote(null);
  }, []);
  const notify = useCallback((text: string) => {
    setFailures([]);
    setImported([]);
    setNote(text);
  }, []);

  return { busy, failures, imported, importedCount, note, dismiss, notify, importFiles, importSample };
}
