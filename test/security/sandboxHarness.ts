/**
 * Watchers for the sandbox tests: a folder's full state (listing, sizes, modes, mtimes, sha256 of contents) and a
 * loopback canary (a TCP server and a UDP socket counting whatever reaches them).
 */
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Every entry below `dir`: relative path, type, mode, size, mtime and the sha256 of its content. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const sha = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : '-';
      out.push(`${path.relative(dir, p)} ${st.isDirectory() ? 'd' : 'f'} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${sha}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export interface Canary {
  port: number;
  udpPort: number;
  /** TCP connections accepted plus UDP datagrams received. */
  hits(): number;
  close(): Promise<void>;
}

/** Starts the canary on 127.0.0.1 (random ports). */
export async function startCanary(): Promise<Canary> {
  let hits = 0;
  const server = net.createServer((s) => {
    hits++;
    s.on('error', () => undefined);
    s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const udp = dgram.createSocket('udp4');
  udp.on('message', () => hits++);
  await new Promise<void>((res) => udp.bind(0, '127.0.0.1', res));
  return {
    port: (server.address() as net.AddressInfo).port,
    udpPort: udp.address().port,
    hits: () => hits,
    close: async () => {
      udp.close();
      await new Promise((res) => server.close(res));
    },
  };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}
