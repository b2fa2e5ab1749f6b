/** A size for people: 812 B, 4.2 KiB, 1.3 MiB (the CLI and the workbench say sizes the same way). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
