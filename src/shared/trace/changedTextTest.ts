/**
 * A regex test of long texts that repeat the previous one: a conversation is resent whole on every call with a few
 * messages added at its end, and its secret pre-check (mayHoldSecret) would scan it all again each time (~550 us
 * for 100 KB on a small machine, in the agent and again in the store).
 *
 * The last long text the regex found no match in is kept. A new text can have a match only where it differs from
 * that text, or less than MATCH_SPAN characters before: a match that ends further back (with the characters its
 * look-arounds read) lies wholly in the part both texts share, where there was none. So only the text from there on
 * is tested. Cutting the text can add a match (a look-behind then sees the cut as the text's start), never lose one:
 * the answer is never "no match" for a text that has one.
 * IMPORTANT: for regexes without the g or y flag (test() then ignores lastIndex) whose matches, look-arounds
 * included, span fewer than MATCH_SPAN characters.
 */

/** Longer than any match of the regexes tested here, with what their look-arounds read. */
export const MATCH_SPAN = 64;
/** Shorter texts are tested whole: finding the shared part would cost about as much as the test. */
const MIN_CHARS = 8 * 1024;
/** Longer texts are not kept (the memory of one body). */
const MAX_CHARS = 4 * 1024 * 1024;
const BLOCK = 4096;

let clean: { re: RegExp; text: string } | undefined;

/** re.test(text), scanning only what changed since the last long text it found nothing in (see above). */
export function testChanged(re: RegExp, text: string): boolean {
  if (text.length < MIN_CHARS || re.global || re.sticky) return re.test(text);
  const from = clean?.re === re ? commonPrefixLength(clean.text, text) - MATCH_SPAN : 0;
  const hit = re.test(from > 0 ? text.slice(from) : text);
  clean = hit || text.length > MAX_CHARS ? undefined : { re, text };
  return hit;
}

/** The length of the longest common prefix of a and b. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Whole blocks first (each one native comparison), then halving inside the first block that differs.
  while (i + BLOCK <= n && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  let hi = Math.min(n, i + BLOCK);
  while (i < hi) {
    const mid = (i + hi + 1) >> 1;
    if (a.slice(i, mid) === b.slice(i, mid)) i = mid;
    else hi = mid - 1;
  }
  return i;
}
