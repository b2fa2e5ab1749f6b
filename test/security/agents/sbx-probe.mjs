// Sandbox probe (ESM): with SBX_ATTACK=1 it tries every side door of the replay sandbox and prints, per attempt,
// whether it was refused (and with which code). A successful attempt writes a marker into SBX_DIR or opens a
// connection to the canary on SBX_PORT (TCP) / SBX_UDP (UDP), which the test watches.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { spawn, exec, execFile, fork, spawnSync, execSync, execFileSync, ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { register } from 'node:module';

const dir = process.env.SBX_DIR;
const port = Number(process.env.SBX_PORT);
const udp = Number(process.env.SBX_UDP);
const target = path.join(dir, 'target.txt');
const node = JSON.stringify(process.execPath);
// What a child or a thread would do if it ran: write a marker and reach the canary.
const payload = (tag) =>
  `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'marker-'))}+${JSON.stringify(tag)},'x');require('net').connect(${port},'127.0.0.1').on('error',()=>{}).end('${tag}');`;
const childFile = path.join(dir, 'child.cjs');

const results = [];
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
async function attempt(name, fn) {
  try {
    await fn();
    results.push(`${name}: ran`);
  } catch (e) {
    results.push(`${name}: ${e && e.code ? e.code : 'error'}${e && /replay sandbox/.test(e.message) && e.message.includes(name.split(' ')[0]) ? ' named' : ''}`);
  }
}
const cbCall = (fn) => new Promise((res, rej) => fn((err, v) => (err ? rej(err) : res(v))));

if (process.env.SBX_ATTACK === '1') {
  await attempt('child_process.spawn', () => spawn(process.execPath, ['-e', payload('spawn')]));
  await attempt('child_process.exec', () => exec(`${node} -e "${payload('exec').replace(/"/g, '\\"')}"`));
  await attempt('child_process.execFile', () => execFile(process.execPath, ['-e', payload('execFile')]));
  await attempt('child_process.fork', () => fork(childFile));
  await attempt('child_process.spawnSync', () => spawnSync(process.execPath, ['-e', payload('spawnSync')]));
  await attempt('child_process.execSync', () => execSync(`${node} -e "${payload('execSync').replace(/"/g, '\\"')}"`));
  await attempt('child_process.execFileSync', () => execFileSync(process.execPath, ['-e', payload('execFileSync')]));
  await attempt('child_process.ChildProcess#spawn', () => new ChildProcess().spawn({ file: process.execPath, args: [process.execPath, '-e', payload('cp')], stdio: 'ignore' }));
  await attempt('worker_threads.Worker', () => new Worker(payload('worker'), { eval: true }));
  for (const b of ['fs', 'tcp_wrap', 'udp_wrap', 'pipe_wrap', 'spawn_sync', 'process_wrap']) await attempt(`process.binding ${b}`, () => process.binding(b));
  // Loader hooks run in a thread of their own, with the real fs.
  const hook = `import fs from 'node:fs'; export async function initialize() { fs.writeFileSync(${JSON.stringify(path.join(dir, 'marker-register'))}, 'x'); }`;
  await attempt('module.register', () => register(`data:text/javascript,${encodeURIComponent(hook)}`));
  await attempt('process._linkedBinding', () => process._linkedBinding('fs'));
  await attempt('process.dlopen', () => process.dlopen({ exports: {} }, path.join(dir, 'addon.node')));
  await attempt('dns.lookup', () => cbCall((cb) => dns.lookup('localhost', cb)));
  await attempt('dns.resolve4', () => cbCall((cb) => dns.resolve4('example.com', cb)));
  await attempt('dns.promises.lookup', () => dns.promises.lookup('localhost'));
  await attempt('dns.Resolver#resolve4', () => {
    const r = new dns.Resolver();
    r.setServers([`127.0.0.1:${udp}`]);
    return cbCall((cb) => r.resolve4('example.com', cb));
  });
  await attempt('dns.promises.Resolver#resolveTxt', () => {
    const r = new dns.promises.Resolver();
    r.setServers([`127.0.0.1:${udp}`]);
    return r.resolveTxt('example.com');
  });
  await attempt('net.Server#listen', () => new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => res(console.log(`LISTENING ${s.address().port}`)));
  }));
  await attempt('net.Server#listen http', () => new Promise((res, rej) => {
    const s = http.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => res(console.log(`LISTENING ${s.address().port}`)));
  }));
  await attempt('dgram.Socket#bind', () => new Promise((res, rej) => {
    const s = dgram.createSocket('udp4');
    s.on('error', rej);
    s.bind(0, '127.0.0.1', () => res(console.log(`LISTENING-UDP ${s.address().port}`)));
  }));
  // File metadata on a real file: must change the sandbox's copy only.
  const t = new Date('2001-01-01T00:00:00Z');
  await attempt('chmodSync', () => fs.chmodSync(target, 0o777));
  await attempt('chmod', () => cbCall((cb) => fs.chmod(target, 0o700, cb)));
  await attempt('promises.chmod', () => fsp.chmod(target, 0o711));
  await attempt('utimesSync', () => fs.utimesSync(target, t, t));
  await attempt('utimes', () => cbCall((cb) => fs.utimes(target, t, t, cb)));
  await attempt('promises.utimes', () => fsp.utimes(target, t, t));
  await attempt('lutimesSync', () => fs.lutimesSync(target, t, t));
  await attempt('promises.lutimes', () => fsp.lutimes(target, t, t));
  await attempt('chownSync', () => fs.chownSync(target, process.getuid(), process.getgid()));
  await attempt('lchown', () => cbCall((cb) => fs.lchown(target, process.getuid(), process.getgid(), cb)));
  await attempt('promises.chown', () => fsp.chown(target, process.getuid(), process.getgid()));
  // A file the replay never touched: its descriptors and handles are the disk's own (read-only).
  const other = path.join(dir, 'other.txt');
  const fd = fs.openSync(other, 'r');
  await attempt('fchmodSync', () => fs.fchmodSync(fd, 0o777));
  await attempt('futimesSync', () => fs.futimesSync(fd, t, t));
  await attempt('fchown', () => cbCall((cb) => fs.fchown(fd, process.getuid(), process.getgid(), cb)));
  fs.closeSync(fd);
  const h = await fsp.open(other, 'r');
  await attempt('FileHandle.chmod', () => h.chmod(0o777));
  await attempt('FileHandle.utimes', () => h.utimes(t, t));
  await attempt('FileHandle.chown', () => h.chown(process.getuid(), process.getgid()));
  await h.close();
  results.push(`seen mode ${(fs.statSync(target).mode & 0o777).toString(8)}`);
  await wait(300);
}
console.log(results.join('\n'));
console.log('probe done');
