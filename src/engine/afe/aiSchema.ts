/**
 * The shape the model must answer in, checked with zod. The answer is read in two levels so that one bad candidate
 * does not throw away the others: the document itself (explanation + a candidates array) must validate or the whole
 * answer is rejected; each candidate is then validated on its own and dropped with a note when it does not.
 *
 * Edits are search/replace pairs, not full files and not unified diffs: models copy a few lines reliably, while
 * full-file rewrites cost output tokens, get cut off at max_tokens and silently drop or "…"-elide unrelated code, and
 * unified diffs break on hunk line numbers. Applying the edits ourselves (aiEdits.ts) also keeps every byte the model
 * did not touch identical to the user's file, including secrets that the model only ever saw as ***.
 */
import { z } from 'zod';
import type { FixStrategy } from '../../shared/afe/types.js';

export const FIX_STRATEGIES = ['code_patch', 'config_change', 'prompt_change', 'retry_policy'] as const satisfies readonly FixStrategy[];

/** Caps on what the model may send back. Longer text fields are clipped; oversized edits reject their candidate. */
export const AI_LIMITS = {
  candidates: 4,
  editsPerCandidate: 12,
  editChars: 20_000,
  explanationChars: 2_000,
  titleChars: 160,
  rationaleChars: 1_000,
} as const;

const clip = (max: number) => (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

const editSchema = z.object({
  path: z.string().min(1).max(1_000),
  search: z.string().max(AI_LIMITS.editChars),
  replace: z.string().max(AI_LIMITS.editChars),
});

export const aiCandidateSchema = z.object({
  strategy: z.enum(FIX_STRATEGIES),
  title: z.string().trim().min(1).transform(clip(AI_LIMITS.titleChars)),
  rationale: z.string().trim().default('').transform(clip(AI_LIMITS.rationaleChars)),
  edits: z.array(editSchema).min(1).max(AI_LIMITS.editsPerCandidate),
});

export const aiAnswerSchema = z.object({
  explanation: z.string().trim().min(1).transform(clip(AI_LIMITS.explanationChars)),
  // Validated one by one (aiCandidateSchema); an empty list is a valid answer ("only you can fix this").
  candidates: z.array(z.unknown()).max(50),
});

export type AiEdit = z.infer<typeof editSchema>;
export type AiRawCandidate = z.infer<typeof aiCandidateSchema>;

export type ParsedAnswer =
  | { ok: true; explanation: string; candidates: AiRawCandidate[]; notes: string[] }
  | { ok: false; note: string };

/** Reads the model's reply text: JSON (tolerating a ``` fence around it), then the schema. */
export function parseAiAnswer(text: string): ParsedAnswer {
  const body = text.trim().replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return { ok: false, note: `the model's answer is not valid JSON (${(e as Error).message.split('\n')[0].slice(0, 120)})` };
  }
  const doc = aiAnswerSchema.safeParse(json);
  if (!doc.success) return { ok: false, note: `the model's answer does not match the expected shape (${issueLine(doc.error)})` };

  const notes: string[] = [];
  const candidates: AiRawCandidate[] = [];
  doc.data.candidates.forEach((raw, i) => {
    if (candidates.length >= AI_LIMITS.candidates) {
      if (i === doc.data.candidates.length - 1) notes.push(`kept the first ${AI_LIMITS.candidates} of ${doc.data.candidates.length} AI candidates`);
      return;
    }
    const c = aiCandidateSchema.safeParse(raw);
    if (c.success) candidates.push(c.data);
    else notes.push(`AI candidate ${i + 1} dropped: malformed (${issueLine(c.error)})`);
  });
  return { ok: true, explanation: doc.data.explanation, candidates, notes };
}

/** The first zod issue as `path: message`, short enough for one line. */
function issueLine(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const where = first.path.length ? first.path.join('.') : 'document';
  const more = error.issues.length > 1 ? ` and ${error.issues.length - 1} more` : '';
  return `${where}: ${first.message}${more}`.slice(0, 200);
}
