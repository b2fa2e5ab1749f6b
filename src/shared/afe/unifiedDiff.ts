/** Placeholder until the diff writer lands. */
export function unifiedDiff(aPath: string, bPath: string, before: string, after: string): string {
  return before === after ? '' : `--- ${aPath}\n+++ ${bPath}\n`;
}
