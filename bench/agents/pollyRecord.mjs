// Preload for the real-agent bench: Polly.js (fetch adapter, fs persister) records every fetch of the agent into a
// HAR file under BENCH_OUT (a folder), persisted when the agent's work is done.
import { Polly } from '@pollyjs/core';
import FetchAdapter from '@pollyjs/adapter-fetch';
import FSPersister from '@pollyjs/persister-fs';

Polly.register(FetchAdapter);
Polly.register(FSPersister);
const polly = new Polly('bench', {
  adapters: ['fetch'],
  persister: 'fs',
  persisterOptions: { fs: { recordingsDir: process.env.BENCH_OUT } },
  mode: 'record',
  recordFailedRequests: true,
  adapterOptions: { fetch: { context: globalThis } },
});
let stopped = false;
process.on('beforeExit', () => {
  if (stopped) return;
  stopped = true;
  void polly.stop();
});
