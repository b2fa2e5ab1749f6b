/** CLI entry (TODO(stub)). */
export async function main(argv: string[]): Promise<number> {
  console.log('agenttrace', argv.join(' '));
  return 0;
}
