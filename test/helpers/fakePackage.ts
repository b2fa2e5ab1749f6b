/**
 * A fake npm package on disk whose one function calls what it is given, so a test can make a call "from" a package
 * (a client library such as openai, or any other) and see what a stack capture says about its caller.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface FakePackages {
  /** A function of `node_modules/<name>/core.js` that returns what `ask` returns. */
  callerIn<T>(name: string): (ask: () => T) => T;
  remove(): void;
}

export function fakePackages(): FakePackages {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-fakepkg-'));
  return {
    callerIn<T>(name: string): (ask: () => T) => T {
      const file = path.join(root, 'node_modules', name, 'core.js');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'module.exports = function draw(ask) { return ask(); };\n');
      return createRequire(import.meta.url)(file) as (ask: () => T) => T;
    },
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
