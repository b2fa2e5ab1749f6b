// Sandbox probe (CommonJS): the side doors through require(); same protocol as sbx-probe.mjs.
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const { Worker } = require('worker_threads');
const http = require('http');
const dns = require('dns');

const dir = process.env.SBX_DIR;
const port = Number(process.env.SBX_PORT);
const target = path.join(dir, 'target.txt');
const payload = (tag) =>
  `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'marker-'))}+${JSON.stringify(tag)},'x');require('net').connect(${port},'127.0.0.1').on('error',()=>{}).end('${tag}');`;

const results = [];
async function attempt(name, fn) {
  try {
    await fn();
    results.push(`${name}: ran`);
  } catch (e) {
    results.push(`${name}: ${e && e.code ? e.code : 'error'}${e && /replay sandbox/.test(e.message) && e.message.includes(name.split(' ')[0]) ? ' named' : ''}`);
  }
}

async function main() {
  if (process.env.SBX_ATTACK === '1') {
    await attempt('child_process.spawn', () => cp.spawn(process.execPath, ['-e', payload('spawn')]));
    await attempt('child_process.execFileSync', () => cp.execFileSync(process.execPath, ['-e', payload('execFileSync')]));
    await attempt('child_process.fork', () => cp.fork(path.join(dir, 'child.cjs')));
    await attempt('worker_threads.Worker', () => new Worker(payload('worker'), { eval: true }));
    await attempt('process.binding fs', () => process.binding('fs'));
    await attempt('dns.lookup', () => new Promise((res, rej) => dns.lookup('localhost', (e) => (e ? rej(e) : res()))));
    await attempt('net.Server#listen http', () => new Promise((res, rej) => http.createServer().on('error', rej).listen(0, '127.0.0.1', res)));
    await attempt('chmodSync', () => fs.chmodSync(target, 0o777));
    await attempt('utimesSync', () => fs.utimesSync(target, new Date(0), new Date(0)));
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(results.join('\n'));
  console.log('probe done');
}
main();
