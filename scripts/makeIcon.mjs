#!/usr/bin/env node
// Draws the app icon resources/icon.png (512x512 RGBA) with Node built-ins only (zlib + a hand-written PNG encoder):
// a rounded blue square, a white ring (the clock of time travel) with a rewind arrow head, and a fork of three
// timeline dots. electron-builder derives the .icns/.ico from it.   node scripts/makeIcon.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 512;
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icon.png');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** Colour of one sample point (x, y in 0..1), or null for transparent. */
function shade(x, y) {
  const r = 0.2; // corner radius of the rounded square
  const m = 0.04; // margin
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  if (Math.hypot(qx, qy) > r) return null;
  const white = [255, 255, 255];
  const d = Math.hypot(x - 0.5, y - 0.47);
  const angle = Math.atan2(y - 0.47, x - 0.5);
  // Ring with a gap at the upper left, where the arrow head sits.
  if (d > 0.26 && d < 0.31 && !(angle < -1.9 && angle > -2.9)) return white;
  // Arrow head at the gap's end, pointing counter-clockwise.
  const ax = 0.5 + 0.285 * Math.cos(-1.9);
  const ay = 0.47 + 0.285 * Math.sin(-1.9);
  const u = x - ax;
  const v = y - ay;
  if (v > -0.07 && v < 0.07 && u > -0.09 + Math.abs(v) * 1.3 && u < 0.0 + Math.abs(v) * 0) return white;
  // Clock hands: to twelve and to three.
  if (Math.abs(x - 0.5) < 0.022 && y > 0.3 && y < 0.48) return white;
  if (Math.abs(y - 0.47) < 0.022 && x > 0.48 && x < 0.63) return white;
  // Fork: a timeline with a branch, three dots.
  for (const [cx, cy] of [
    [0.3, 0.85],
    [0.5, 0.85],
    [0.7, 0.8],
  ])
    if (Math.hypot(x - cx, y - cy) < 0.035) return [180, 205, 255];
  const top = [46, 91, 219];
  const bottom = [30, 52, 140];
  return top.map((c, i) => Math.round(c + (bottom[i] - c) * y));
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
const SS = 3; // supersampling per axis, for smooth edges
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SS; sy++)
      for (let sx = 0; sx < SS; sx++) {
        const c = shade((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a += 1;
      }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
fs.writeFileSync(OUT, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]));
process.stdout.write(`wrote ${path.relative(process.cwd(), OUT)} (${SIZE}x${SIZE})\n`);
