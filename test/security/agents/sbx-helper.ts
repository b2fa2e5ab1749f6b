// A second TypeScript module, compiled by tsx when the probe imports it (after the SDK is installed).
export function helper(): string {
  const typed: Record<string, number> = { ok: 1 };
  return `helper ${typed.ok}`;
}
