/**
 * The real-agent bench's LLM server: OpenAI chat completions (the mock's deterministic replies) on 127.0.0.1, with a
 * fixed latency, that notes when each request arrived. Arrival-to-arrival time is one turn of the agent's loop as
 * the server sees it (client work + recorder work + latency), measured outside the agent so nothing in the agent's
 * clocks (which AgentTrace records) is disturbed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAiReply } from '../test/mock/llmReplies.js';

export interface TimingServer {
  url: string;
  /** Arrival times (performance.now of this process) since the last reset. */
  arrivals: number[];
  reset(latencyMs: number): void;
  close(): Promise<void>;
}

export async function startTimingServer(): Promise<TimingServer> {
  let latencyMs = 0;
  let arrivals: number[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      arrivals.push(performance.now());
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const send = (): void => {
        const text = JSON.stringify(openAiReply(body, 'openai'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (latencyMs > 0) setTimeout(send, latencyMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get arrivals() {
      return arrivals;
    },
    reset(ms: number) {
      latencyMs = ms;
      arrivals = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
