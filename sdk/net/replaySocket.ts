/**
 * The socket a replayed http/https request is given instead of a connection: a net.Socket that never connects
 * (no handle), keeps what the request writes, and receives the recorded response as raw HTTP bytes pushed into its
 * readable side, so Node's own HTTP parser builds the IncomingMessage (and the recorder observes it unchanged).
 * If the request is resolved `live` (policy live after it diverged), `passthrough` opens the real connection,
 * replays the buffered request bytes into it and pipes both ways. Like @mswjs/interceptors' MockSocket, but with no
 * request parsing, no global patches and no Math.random in the agent's context.
 */
import net from 'node:net';
import type { AsyncResource } from 'node:async_hooks';
import type { ResponseSink } from './replayResponse.js';

type WriteCb = (err?: Error | null) => void;

export class ReplaySocket extends net.Socket {
  /** Request bytes written so far; null once the request is answered from the tape. */
  private written: Buffer[] | null = [];
  private finalCalled = false;
  private real: net.Socket | undefined;
  private timeoutMs = 0;

  constructor() {
    super();
    // Not connecting and no handle: net.Socket's own read/write paths are never reached (all overridden here).
    (this as { connecting: boolean }).connecting = false;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: WriteCb): void {
    if (this.real) {
      this.real.write(chunk, cb);
      return;
    }
    this.written?.push(Buffer.from(chunk));
    cb();
  }

  override _writev(chunks: { chunk: Buffer }[], cb: WriteCb): void {
    if (this.real) {
      for (const c of chunks) this.real.write(c.chunk);
      cb();
      return;
    }
    for (const c of chunks) this.written?.push(Buffer.from(c.chunk));
    cb();
  }

  override _final(cb: WriteCb): void {
    this.finalCalled = true;
    if (this.real) this.real.end(() => cb());
    else cb();
  }

  override _read(): void {
    this.real?.resume();
  }

  /** No inactivity timer: a replay has no network latency; a passthrough connection gets the real one. */
  override setTimeout(ms: number, cb?: () => void): this {
    this.timeoutMs = ms;
    if (cb) this.once('timeout', cb);
    this.real?.setTimeout(ms);
    return this;
  }

  /** The request is answered from the tape: its bytes are not needed any more. */
  serveFromTape(): void {
    this.written = null;
  }

  /** Opens the real connection and hands the request to it (live). */
  passthrough(open: () => net.Socket): void {
    if (this.destroyed) return;
    let real: net.Socket;
    try {
      real = open();
    } catch (e) {
      this.destroy(e as Error);
      return;
    }
    this.real = real;
    for (const b of this.written ?? []) real.write(b);
    this.written = null;
    if (this.finalCalled) real.end();
    if (this.timeoutMs > 0) real.setTimeout(this.timeoutMs);
    for (const ev of ['lookup', 'connect', 'ready', 'secureConnect', 'timeout']) real.on(ev, (...args: unknown[]) => this.emit(ev, ...args));
    real.on('data', (d: Buffer) => {
      if (!this.push(d)) real.pause();
    });
    real.on('end', () => this.push(null));
    real.on('error', (e) => this.destroy(e));
    real.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
    this.once('close', () => {
      if (!real.destroyed) real.destroy();
    });
  }
}

/**
 * A ResponseSink writing raw HTTP/1.1 into the socket: status line and the recorded headers, then the body framed
 * the way the recorded headers say (chunked, content-length, or delimited by the end of the connection).
 * Every push runs in `scope` (the agent's context when it ended the request): the parser, the response events and
 * the agent's listeners run synchronously from there.
 */
export function socketSink(socket: ReplaySocket, scope: AsyncResource, method: string): ResponseSink {
  let chunked = false;
  let closeDelimited = false;
  let noBody = false;
  const run = (fn: () => void): void => {
    if (!socket.destroyed) scope.runInAsyncScope(fn);
  };
  return {
    head(status, statusText, headers) {
      noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
      chunked = !noBody && /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
      closeDelimited = !noBody && !chunked && headers['content-length'] === undefined;
      let text = `HTTP/1.1 ${status} ${oneLine(statusText)}\r\n`;
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${oneLine(v)}\r\n`;
      run(() => socket.push(Buffer.from(`${text}\r\n`, 'latin1')));
    },
    data(chunk) {
      if (noBody || chunk.byteLength === 0) return;
      run(() => socket.push(chunked ? Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, CRLF]) : chunk));
    },
    end() {
      run(() => {
        if (chunked) socket.push(Buffer.from('0\r\n\r\n'));
        if (closeDelimited) socket.push(null);
      });
    },
    error(err) {
      run(() => socket.destroy(err));
    },
    aborted: () => socket.destroyed,
  };
}

const CRLF = Buffer.from('\r\n');

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
