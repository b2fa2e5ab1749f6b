// A CommonJS TypeScript module: tsx compiles it on the main thread, through its require hook, when it is required.
const typed: Record<string, number> = { ok: 2 };
module.exports = { helper: (): string => `cjs helper ${typed.ok}` };
