/**
 * What a secret scan of a file must read: its raw bytes (latin1: one char per byte, binary pages included) and the
 * text hidden from a byte search by compression — the deflated payloads of a store (payloadCodec.ts), inflated from
 * the raw pages where whole and read decoded from the rows of a store file (WAL included), and the gzip'd body of a
 * `.agenttrace` file.
 */
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodePayload } from '../../src/engine/store/payloadCodec.js';
import { decodedRowsOfFile } from '../../src/engine/store/testSql.js';

/** The texts of the compressed values (`{"$z":1,…,"d":"<base64>"}`) found whole in some bytes. */
function inflatedIn(bytes: string): string[] {
  const out: string[] = [];
  for (const m of bytes.matchAll(/\{"\$z":1,[^]*?"d":"[A-Za-z0-9+/=]+"\}/g)) {
    try {
      out.push(decodePayload(m[0]));
    } catch {
      // a value cut by a page boundary: a store file's rows are read whole below
    }
  }
  return out;
}

/** The gzip'd part of a trace file (a JSON header line, then gzip'd NDJSON). */
function traceFileBody(buf: Buffer): string[] {
  const nl = buf.indexOf(0x0a);
  if (nl < 0 || buf[nl + 1] !== 0x1f || buf[nl + 2] !== 0x8b) return [];
  try {
    return [gunzipSync(buf.subarray(nl + 1)).toString('latin1')];
  } catch {
    return [];
  }
}

/** The texts of one file a secret scan must search (see the module comment). */
export function scanTexts(file: string): string[] {
  const buf = fs.readFileSync(file);
  const bytes = buf.toString('latin1');
  return [bytes, ...inflatedIn(bytes), ...(file.endsWith('.db') ? decodedRowsOfFile(file) : []), ...traceFileBody(buf)];
}
