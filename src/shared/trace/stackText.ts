/**
 * The frame lines of a printed V8 stack (`err.stack`): `at [async] [name (]location:line:column[)]`. Shared by the
 * recorder (which turns locations into script URLs) and the viewers (which classify frames), so both read the same
 * frames out of the same text. Lines that are not frames with a file location (the message, `at JSON.parse
 * (<anonymous>)`) are skipped.
 */

export interface StackLine {
  functionName: string;
  /** As printed: a path, a file URL, or `node:…`. */
  location: string;
  /** 1-based, as printed. */
  line: number;
  column: number;
  /** Printed `at async …`: the frame was suspended at an await. */
  async: boolean;
}

const FRAME_LINE = /^\s*at (async )?(?:(.*?) \()?((?:file:|node:|\/|[A-Za-z]:\\).*?):(\d+):(\d+)\)?$/;

/** The frames of a printed stack, innermost first. */
export function stackLines(stack: string): StackLine[] {
  const out: StackLine[] = [];
  for (const text of stack.split('\n')) {
    const f = frameLine(text);
    if (f) out.push(f);
  }
  return out;
}

/** One printed frame line (`at …`); undefined when it names no file location. */
export function frameLine(text: string): StackLine | undefined {
  const m = FRAME_LINE.exec(text);
  return m ? { functionName: m[2] ?? '', location: m[3], line: Number(m[4]), column: Number(m[5]), async: Boolean(m[1]) } : undefined;
}
