/**
 * Console capture: `process.stdout.write` and `process.stderr.write` are wrapped on the stream instances, which
 * catches console.log/error/warn/info/debug/table/dir (they all write through these) and direct writes.
 *
 * Granularity: one `console` event per write call, not per line. console.log makes exactly one write per call, so
 * for the common case this is one event per logged line; for partial writes (progress dots, streamed LLM tokens)
 * it keeps (1) the exact position of the output among other events — "Thinking..." then an llm call then
 * "done\n" stays in that order, which a line buffer could only keep with a flush before every other event — (2)
 * byte fidelity: concatenating the texts of a stream's events gives back exactly what was printed, and (3) crash
 * safety: nothing sits in a buffer when the process is SIGKILLed. The cost is more events for token streaming.
 *
 * IMPORTANT: the original write runs first with the caller's exact arguments and its return value (backpressure)
 * is returned unchanged; recording happens after and never throws. Only the recorded text is secret-masked.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Recorder } from '../core/recorder.js';
import { isInternal } from '../core/internal.js';
import { Patcher, type AnyFn } from '../determinism/patcher.js';

/** Longest text stored per event; the rest is replaced by a marker (the output itself is never cut). */
export const MAX_CONSOLE_TEXT = 256 * 1024;

type StreamName = 'stdout' | 'stderr';

function textOf(decoder: StringDecoder, chunk: unknown, encoding: unknown): string {
  if (typeof chunk === 'string') {
    if (typeof encoding === 'string' && Buffer.isEncoding(encoding) && !/^utf-?8$/i.test(encoding)) {
      return decoder.write(Buffer.from(chunk, encoding));
    }
    // Bytes of a multi-byte character left over from an earlier binary write cannot complete now.
    return decoder.end() + chunk;
  }
  if (ArrayBuffer.isView(chunk)) return decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return '';
}

function patchStream(p: Patcher, rec: Recorder, stream: NodeJS.WriteStream, name: StreamName): void {
  // Binary writes may split a UTF-8 character; the decoder carries the partial bytes to the next write.
  const decoder = new StringDecoder('utf8');
  p.wrap<AnyFn>(stream, 'write', (original) => {
    return function write(this: unknown, ...args: unknown[]): unknown {
      // The events before this output reach the journal first: a line the agent printed is never ahead of them.
      rec.flush();
      const result: unknown = original.apply(this, args);
      if (!isInternal()) {
        try {
          const raw = textOf(decoder, args[0], args[1]);
          if (raw.length > 0) {
            // Mask before cutting, so a secret across the cut is still caught.
            let text = rec.secrets.maskText(raw);
            if (text.length > MAX_CONSOLE_TEXT) {
              text = `${text.slice(0, MAX_CONSOLE_TEXT)}\n[agenttrace: ${text.length - MAX_CONSOLE_TEXT} more characters not recorded]`;
            }
            rec.emit('console', { stream: name, text });
          }
        } catch (e) {
          rec.fault('console capture', e);
        }
      }
      return result;
    };
  });
}

/** Installs console capture on both standard streams; returns the undo function. */
export function installConsole(rec: Recorder): () => void {
  const p = new Patcher();
  patchStream(p, rec, process.stdout, 'stdout');
  patchStream(p, rec, process.stderr, 'stderr');
  return () => p.restore();
}
