// Sandbox probe (TypeScript, run through tsx): the side doors through ESM named imports; same protocol as
// sbx-probe.mjs. tsx's own esbuild service must keep working (it compiles this file) while the agent's calls are
// refused.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import dns from 'node:dns';
import { spawn, execFileSync, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { helper } from './sbx-helper.js';

const dir = process.env.SBX_DIR ?? '';
const port = Number(process.env.SBX_PORT);
const target = path.join(dir, 'target.txt');
const payload = (tag: string): string =>
  `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'marker-'))}+${JSON.stringify(tag)},'x');require('net').connect(${port},'127.0.0.1').on('error',()=>{}).end('${tag}');`;

const results: string[] = [];
async function attempt(name: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
    results.push(`${name}: ran`);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    results.push(`${name}: ${err.code ?? 'error'}${/replay sandbox/.test(err.message ?? '') && (err.message ?? '').includes(name.split(' ')[0]) ? ' named' : ''}`);
  }
}

if (process.env.SBX_ATTACK === '1') {
  await attempt('child_process.spawn', () => spawn(process.execPath, ['-e', payload('spawn')]));
  await attempt('child_process.execFileSync', () => execFileSync(process.execPath, ['-e', payload('execFileSync')]));
  await attempt('child_process.fork', () => fork(path.join(dir, 'child.cjs')));
  await attempt('worker_threads.Worker', () => new Worker(payload('worker'), { eval: true }));
  await attempt('process.binding fs', () => (process as unknown as { binding(n: string): unknown }).binding('fs'));
  await attempt('dns.lookup', () => new Promise<void>((res, rej) => dns.lookup('localhost', (e) => (e ? rej(e) : res()))));
  await attempt('net.Server#listen http', () => new Promise<void>((res, rej) => http.createServer().on('error', rej).listen(0, '127.0.0.1', res)));
  await attempt('chmodSync', () => fs.chmodSync(target, 0o777));
  await attempt('utimesSync', () => fs.utimesSync(target, new Date(0), new Date(0)));
  // esbuild called by the agent itself (not by tsx's loader) may not start its service: it would write the file.
  const esbuild = await import('esbuild');
  await attempt('esbuild.buildSync', () => esbuild.buildSync({ stdin: { contents: 'export const x = 1' }, outfile: path.join(dir, 'marker-esbuild.js'), write: true, logLevel: 'silent' }));
  await new Promise((r) => setTimeout(r, 300));
}
console.log(results.join('\n'));
console.log(`probe done ${helper()}`);
