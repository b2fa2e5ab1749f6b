/**
 * The workbench's Export: the same exportTrace as `agenttrace export` (secret scan included), written to a private
 * temporary folder and handed back as bytes, since the browser saves downloads itself (and Electron shows its save
 * dialog for them). The temporary file never outlives the call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportedFile } from '../../shared/rpc/actionsContract.js';
import { MAX_UPLOAD_BYTES } from '../../shared/rpc/limits.js';
import { AtrError } from '../errors.js';
import { defaultExportName, exportTrace } from '../traceFile/exportTrace.js';
import type { TraceStore } from '../store/store.js';

export async function exportForDownload(store: TraceStore, runId: string, only: boolean, env: Record<string, string | undefined>, maxBytes = MAX_UPLOAD_BYTES): Promise<ExportedFile> {
  const fileName = defaultExportName(runId);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-export-'));
  try {
    const out = path.join(dir, fileName);
    const r = await exportTrace(store, runId, { out, display: fileName, only, env });
    if (r.bytes > maxBytes) {
      throw new AtrError('ATR_TRACE_FILE', `${fileName} is ${(r.bytes / 1024 / 1024).toFixed(1)} MiB, over the workbench's ${maxBytes / 1024 / 1024} MiB download limit`, {
        hint: `export it from a terminal: agenttrace export ${runId}${only ? ' --only' : ''}`,
        data: { runId, bytes: r.bytes },
      });
    }
    return { fileName, bytes: r.bytes, runs: r.runs.length, events: r.events, dataB64: fs.readFileSync(out).toString('base64') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
