/**
 * All CLI output goes through a Printer (library code never uses console). Data goes to stdout, diagnostics to
 * stderr, so `agenttrace list --json | jq` and `agenttrace record agent.mjs > out.txt` stay clean.
 */
export interface Printer {
  /** Writes text to stdout as is. */
  out(text: string): void;
  /** Writes text to stderr as is. */
  err(text: string): void;
  /** One JSON document on stdout, on one line (record --json follows the agent's own output). */
  json(value: unknown): void;
  /** Whether stdout is a terminal (tables may use its width). */
  readonly isTty: boolean;
}

export function streamPrinter(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Printer {
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    json: (value) => void stdout.write(JSON.stringify(value) + '\n'),
    isTty: Boolean(stdout.isTTY),
  };
}

/** A printer that keeps everything in memory (in-process tests). */
export function memoryPrinter(): Printer & { stdout: string; stderr: string } {
  const p = {
    stdout: '',
    stderr: '',
    isTty: false,
    out(text: string) {
      p.stdout += text;
    },
    err(text: string) {
      p.stderr += text;
    },
    json(value: unknown) {
      p.stdout += JSON.stringify(value) + '\n';
    },
  };
  return p;
}
