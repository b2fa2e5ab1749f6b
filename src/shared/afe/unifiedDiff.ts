/**
 * A unified-diff writer for fix candidates, byte-compatible with `git diff --no-index` (without the `diff --git` and
 * `index` lines): Myers line diff, change groups slid down like git's compaction, 3 lines of context, hunk headers
 * with git's default section heading, CRLF kept as part of each line, "\ No newline at end of file". Pure.
 */

/** Lines of `text`, each with its own terminator ("\n" or "\r\n"); the last one may have none. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * Myers' O(ND) diff over two line arrays: for each line of `a` whether it was removed, for each line of `b` whether it
 * was added. Common prefix and suffix are matched first (as git does), which keeps the middle small.
 */
export function diffLines(a: string[], b: string[]): { delA: boolean[]; addB: boolean[] } {
  const delA = new Array<boolean>(a.length).fill(false);
  const addB = new Array<boolean>(b.length).fill(false);
  let lo = 0;
  while (lo < a.length && lo < b.length && a[lo] === b[lo]) lo++;
  let ea = a.length;
  let eb = b.length;
  while (ea > lo && eb > lo && a[ea - 1] === b[eb - 1]) {
    ea--;
    eb--;
  }
  const n = ea - lo;
  const m = eb - lo;
  if (n === 0 || m === 0) {
    for (let i = lo; i < ea; i++) delA[i] = true;
    for (let j = lo; j < eb; j++) addB[j] = true;
    return { delA, addB };
  }
  const max = n + m;
  const off = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[lo + x] === b[lo + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Walk the trace back from (n, m), marking the edits.
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (x === prevX) addB[lo + prevY] = true;
    else delA[lo + prevX] = true;
    x = prevX;
    y = prevY;
  }
  return { delA, addB };
}

interface Edit {
  /** Index in `a` (removed or context) or -1. */
  ai: number;
  bi: number;
  op: ' ' | '-' | '+';
}

function script(a: string[], b: string[], delA: boolean[], addB: boolean[]): Edit[] {
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && delA[i]) out.push({ ai: i++, bi: -1, op: '-' });
    else if (j < b.length && addB[j]) out.push({ ai: -1, bi: j++, op: '+' });
    else out.push({ ai: i++, bi: j++, op: ' ' });
  }
  return out;
}

/**
 * Slides each run of only-added or only-removed lines down as far as the text allows, like git's compaction: a run
 * can move down by one when its first line equals the context line after it. Keeps an added block after the lines it
 * shares with its surroundings (a new function goes after the closing brace, not before it).
 */
function compact(edits: Edit[], a: string[], b: string[]): Edit[] {
  const text = (e: Edit): string => (e.op === '+' ? b[e.bi] : a[e.ai]);
  let i = 0;
  while (i < edits.length) {
    if (edits[i].op === ' ') {
      i++;
      continue;
    }
    let e = i;
    while (e < edits.length && edits[e].op !== ' ') e++;
    const ops = new Set(edits.slice(i, e).map((x) => x.op));
    if (ops.size === 1) {
      let s = i;
      while (e < edits.length && edits[e].op === ' ' && text(edits[s]) === text(edits[e])) {
        // The context line after the run takes the run's first slot; the run moves down by one line.
        const op = edits[s].op;
        if (op === '+') {
          const bs = edits[s].bi;
          edits[s] = { ai: edits[e].ai, bi: bs, op: ' ' };
          for (let k = s + 1; k <= e; k++) edits[k] = { ai: -1, bi: bs + (k - s), op };
        } else {
          const as = edits[s].ai;
          edits[s] = { ai: as, bi: edits[e].bi, op: ' ' };
          for (let k = s + 1; k <= e; k++) edits[k] = { ai: as + (k - s), bi: -1, op };
        }
        s++;
        e++;
      }
    }
    i = e;
  }
  return edits;
}

/** git's default section heading: the nearest line above the hunk that starts with a letter, `_` or `$`. */
function heading(a: string[], before: number): string {
  for (let i = before - 1; i >= 0; i--) {
    if (/^[A-Za-z_$]/.test(a[i])) return a[i].replace(/\r?\n$/, '').slice(0, 80).replace(/\s+$/, '');
  }
  return '';
}

const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

function emitLine(op: string, line: string): string {
  return line.endsWith('\n') ? `${op}${line}` : `${op}${line}\n\\ No newline at end of file\n`;
}

/**
 * The unified diff of `before` → `after`, labelled `a/<aPath>` and `b/<bPath>`; '' when the texts are equal.
 * Output matches `git diff --no-index` from its `---` line on.
 */
export function unifiedDiff(aPath: string, bPath: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const { delA, addB } = diffLines(a, b);
  const edits = compact(script(a, b, delA, addB), a, b);
  const changes = edits.map((e, k) => (e.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  let out = `--- a/${aPath}\n+++ b/${bPath}\n`;
  let c = 0;
  while (c < changes.length) {
    const start = Math.max(0, changes[c] - context);
    let last = changes[c];
    while (c + 1 < changes.length && changes[c + 1] - last <= 2 * context) last = changes[++c];
    c++;
    const end = Math.min(edits.length, last + context + 1);
    const hunk = edits.slice(start, end);
    // Start lines: the first a/b line at or after the hunk start (1-based).
    let aStart = 0;
    let bStart = 0;
    for (let k = 0; k < start; k++) {
      if (edits[k].op !== '+') aStart++;
      if (edits[k].op !== '-') bStart++;
    }
    const aCount = hunk.filter((e) => e.op !== '+').length;
    const bCount = hunk.filter((e) => e.op !== '-').length;
    const head = heading(a, aStart);
    out += `@@ -${range(aStart + 1, aCount)} +${range(bStart + 1, bCount)} @@${head ? ` ${head}` : ''}\n`;
    for (const e of hunk) out += emitLine(e.op, e.op === '+' ? b[e.bi] : a[e.ai]);
  }
  return out;
}
