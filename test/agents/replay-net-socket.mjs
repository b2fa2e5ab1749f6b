// Agent under test (ESM): a raw TCP client (net.connect) that no interceptor knows. TCP_PORT: a line server.
import net from 'node:net';

const sock = net.connect({ host: '127.0.0.1', port: Number(process.env.TCP_PORT) });
sock.on('connect', () => sock.write('ping\n'));
sock.on('data', (d) => {
  console.log('reply:', d.toString().trim());
  sock.end();
});
sock.on('error', (e) => console.log('error:', e.code, e.message));
