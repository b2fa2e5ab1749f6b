/**
 * One mock LLM server for a test file: started before its tests, closed after them. The returned object stands for
 * the server (url, requests, setLatency) from the first test on.
 */
import { afterAll, beforeAll } from 'vitest';
import { startMockLlm, type MockLlmOptions, type MockLlmServer } from './llmServer.js';

export function useMockLlm(opts: MockLlmOptions = {}): MockLlmServer {
  let server: MockLlmServer | undefined;
  const live = (): MockLlmServer => {
    if (!server) throw new Error('the mock LLM server is started in beforeAll: use it inside tests');
    return server;
  };
  beforeAll(async () => {
    server = await startMockLlm(opts);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      return live().url;
    },
    get requests() {
      return live().requests;
    },
    close: () => live().close(),
    setLatency: (ms) => live().setLatency(ms),
  };
}
