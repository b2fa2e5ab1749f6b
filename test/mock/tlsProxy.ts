/**
 * An HTTPS front for the mock LLM server (tests of https.request and fetch over TLS): TLS on 127.0.0.1 with the
 * self-signed test certificate in ./tls (valid for 127.0.0.1 and localhost until 2126), forwarding every request
 * to the plain-HTTP mock and streaming the answer back unchanged. Agents trust it via NODE_EXTRA_CA_CERTS=TLS_CERT.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Path of the test CA/server certificate (PEM). */
export const TLS_CERT = fileURLToPath(new URL('./tls/localhost-cert.pem', import.meta.url));
const TLS_KEY = fileURLToPath(new URL('./tls/localhost-key.pem', import.meta.url));

export interface TlsProxy {
  /** https://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

export async function startTlsProxy(targetUrl: string): Promise<TlsProxy> {
  const target = new URL(targetUrl);
  const server = https.createServer({ key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERT) }, (req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
