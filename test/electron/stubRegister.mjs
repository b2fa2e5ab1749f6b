// Loaded with `node --import` before the built Electron main bundle: resolves `electron` to stubElectron.mjs, so the
// real out/main/index.js runs under plain Node (the Electron binary cannot be downloaded on these machines).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(spec, ctx, next) {
      if (spec === 'electron') return { url: ${JSON.stringify(new URL('./stubElectron.mjs', import.meta.url).href)}, shortCircuit: true };
      return next(spec, ctx);
    }`),
);
