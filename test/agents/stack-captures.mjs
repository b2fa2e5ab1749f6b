// For agents that count the SDK's stack captures: every capture sets Error.prepareStackTrace for its duration, which
// an accessor installed here sees. `captures()` is the count so far.
let count = 0;
let current;
Object.defineProperty(Error, 'prepareStackTrace', {
  configurable: true,
  get: () => current,
  set(v) {
    if (typeof v === 'function') count++;
    current = v;
  },
});

export const captures = () => count;
