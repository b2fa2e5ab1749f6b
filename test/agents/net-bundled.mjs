// The recorder takes the global undici dispatcher from Node's bundled undici, whichever comes first: a fetch (argv
// 'fetch'), one of the bundled globals ('headers'), or npm undici loading ('undici'). Both calls must be recorded;
// prints whether npm undici's Agent module had been loaded after the fetch.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const first = process.argv[2];
const base = process.env.MOCK_URL;
const agentLoaded = () => Object.keys(require.cache).some((k) => /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]agent\.js$/.test(k));

let undici;
if (first === 'headers') new Headers({ accept: 'text/plain' });
if (first === 'undici') undici = require('undici');
const r1 = await fetch(`${base}/health?n=1`);
const text1 = await r1.text();
const npmAgentAfterFetch = agentLoaded();
undici ??= require('undici');
const r2 = await undici.request(`${base}/health?n=2`);
const text2 = await r2.body.text();
console.log(JSON.stringify({ first, text1, text2, npmAgentAfterFetch }));
