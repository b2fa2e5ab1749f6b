/**
 * The import methods of the contract over the trace-file engine (importTraceFile): files by path, uploaded bytes
 * (written to a private temp file first, since the engine streams from a file), and the shipped sample trace.
 * Failures become per-file outcomes naming the file and the reason, never a thrown error: the drop zone shows them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAgentEnv } from '../../shared/trace/envProtocol.js';
import type { ImportApi, ImportOutcome } from '../../shared/rpc/importContract.js';
import { MAX_UPLOAD_BYTES } from '../../shared/rpc/limits.js';
import { ATR, AtrError } from '../errors.js';
import { packageRoot } from '../runner/sdkPaths.js';
import type { TraceStore } from '../store/store.js';
import { importTraceFile } from '../traceFile/importTrace.js';
import { scratchPrefix } from '../store/staging.js';

export interface ImportApiOptions {
  /** The sample trace file (default: AGENTTRACE_SAMPLE, else resources/sample/sample.agenttrace in the package). */
  sampleFile?: string;
  /** Electron's better_sqlite3.node, for the import's staging database. */
  nativeBinding?: string;
}

/** Where the sample trace ships: beside the package in a checkout or `npm i`, under resources/ in a packaged app. */
export function defaultSampleFile(env: NodeJS.ProcessEnv = process.env): string {
  const { sample } = parseAgentEnv(env);
  if (sample) return path.resolve(sample);
  return path.join(packageRoot(), 'resources', 'sample', 'sample.agenttrace');
}

export function createImportApi(store: TraceStore, opts: ImportApiOptions = {}): ImportApi {
  const importOne = async (file: string, display: string): Promise<ImportOutcome> => {
    try {
      const r = await importTraceFile(store, file, { display, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
      return { file: display, ok: true, focus: r.focus, root: r.root, runIds: r.runs.map((x) => x.id), alreadyImported: r.alreadyImported };
    } catch (e) {
      return failure(display, e);
    }
  };
  return {
    importTraceFiles: async ({ paths }) => {
      const outcomes: ImportOutcome[] = [];
      // One at a time: each import is one store transaction, and the order of the drop is the order of the results.
      for (const p of paths) outcomes.push(await importOne(path.resolve(p), path.basename(p)));
      return { outcomes };
    },
    uploadTraceFile: async ({ name, dataB64 }) => {
      const display = path.basename(name);
      const bytes = Buffer.from(dataB64, 'base64');
      if (bytes.length > MAX_UPLOAD_BYTES) {
        return { file: display, ok: false, code: ATR.TRACE_FILE, message: `${display} is ${bytes.length} bytes, over the upload limit of ${MAX_UPLOAD_BYTES}; import it with: agenttrace import <file>` };
      }
      // Named after this process: a killed workbench's leftover is swept on the next store open (staging.ts).
      const dir = fs.mkdtempSync(scratchPrefix('agenttrace-upload-'));
      try {
        const tmp = path.join(dir, 'upload.agenttrace');
        fs.writeFileSync(tmp, bytes, { mode: 0o600 });
        return await importOne(tmp, display);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    importSample: async () => {
      const file = opts.sampleFile ?? defaultSampleFile();
      if (!fs.existsSync(file)) return { file: path.basename(file), ok: false, code: ATR.NOT_FOUND, message: `the sample trace is missing: ${file} (reinstall AgentTrace, or run: node scripts/makeSample.mjs)` };
      return importOne(file, 'sample.agenttrace');
    },
  };
}

function failure(file: string, e: unknown): ImportOutcome {
  if (e instanceof AtrError) return { file, ok: false, code: e.code, message: e.hint ? `${e.message} (${e.hint})` : e.message };
  return { file, ok: false, code: ATR.INTERNAL, message: e instanceof Error ? e.message : String(e) };
}
