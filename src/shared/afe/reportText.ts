/**
 * The fix report as text a person reads in ten seconds (CLI `fix`, `fix show`): failure class, one-sentence cause,
 * the decisive step, and the ranked candidates with their verdicts. Pure, so the CLI and tests share it.
 */
import { SCORE_WEIGHTS, VERDICT_LABEL, type FixCandidate, type FixReport, type ScoreFactor } from './types.js';

export interface ReportTextOptions {
  /** Include evidence, counterfactual tries, diffs and score breakdowns (`fix show`). */
  full?: boolean;
  /** One-line description of the decisive event (`llm POST /v1/chat/completions → 429`). */
  decisiveEvent?: string;
}

export function reportText(r: FixReport, o: ReportTextOptions = {}): string {
  const lines: string[] = [];
  if (r.status === 'no_failure') return `Run ${r.runId} did not fail: nothing to fix.\n`;
  if (r.status === 'error') lines.push(`Fix ${r.id} ended with an error: ${r.error ?? 'unknown error'}`);
  if (r.status === 'cancelled') lines.push(`Fix ${r.id} was cancelled.`);
  const f = r.failure;
  if (f) lines.push(`Failure    ${f.class} — ${f.summary}`);
  const rc = r.rootCause;
  if (rc) {
    const status = rc.status === 'confirmed' ? 'confirmed by replay' : rc.status === 'suspected' ? 'suspected (not confirmed by replay)' : 'unknown';
    lines.push(`Cause      ${status} — ${rc.cause}`);
    if (rc.seq !== undefined) {
      const proof = rc.status === 'confirmed' ? rc.tries.find((t) => t.seq === rc.seq && t.outcome === 'clean')?.branchId : undefined;
      lines.push(`Decisive   step ${rc.seq}${o.decisiveEvent ? `  ${o.decisiveEvent}` : ''}${proof ? `  (proof: branch ${proof})` : ''}`);
    }
    if (rc.aiExplanation) lines.push(`AI says    ${oneLine(rc.aiExplanation, 220)}`);
  }
  if (o.full && f) {
    lines.push('', 'Evidence');
    for (const e of f.evidence) lines.push(`  ${e.seq !== undefined ? `step ${e.seq}`.padEnd(9) : ''.padEnd(9)} ${e.kind.padEnd(6)} ${e.label}${e.detail ? `\n${' '.repeat(19)}${oneLine(e.detail, 200)}` : ''}`);
    if (rc?.tries.length) {
      lines.push('', 'Counterfactual replays');
      for (const t of rc.tries) lines.push(`  step ${t.seq}: ${t.correction} → ${t.outcome}${t.simulated ? ` (${t.simulated} synthesized)` : ''}${t.detail ? ` — ${t.detail}` : ''}${t.branchId ? `  [${t.branchId}]` : ''}`);
    }
  }
  if (r.candidates.length > 0) {
    lines.push('', 'Candidates (best first)');
    for (const [i, c] of r.candidates.entries()) {
      lines.push(`  ${String(i + 1).padStart(2)}. ${VERDICT_LABEL[c.verdict].padEnd(17)} ${c.score.total.toFixed(2)}  ${c.strategy.padEnd(13)} ${c.title}${c.source === 'ai' ? '  [AI]' : ''}  (${r.id}/${c.n})`);
      lines.push(`      ${c.verdictDetail}`);
      if (o.full) lines.push(...candidateDetail(c));
    }
  } else if (r.status === 'done') {
    lines.push('', 'No fix candidate could be generated for this failure.');
  }
  if (r.ai.used) lines.push('', `AI: ${r.ai.model ?? 'Groq'} was asked; its candidates were validated like the others${r.ai.note ? ` (${r.ai.note})` : ''}`);
  else if (r.ai.note) lines.push('', `AI: ${r.ai.note}`);
  lines.push('', `Fix ${r.id}: ${r.replays} replay${r.replays === 1 ? '' : 's'} in the sandbox; your files were not changed.`);
  if (r.applied) lines.push(`Applied: candidate ${r.applied.n} (${r.applied.files.length} file${r.applied.files.length === 1 ? '' : 's'}); undo: agenttrace fix undo ${r.id}`);
  else if (r.candidates.some((c) => c.files.length > 0)) lines.push(`Apply the best: agenttrace fix apply ${r.id}   details: agenttrace fix show ${r.id}`);
  return lines.join('\n') + '\n';
}

function candidateDetail(c: FixCandidate): string[] {
  const out: string[] = [`      why: ${c.rationale}`];
  const factors = (Object.keys(SCORE_WEIGHTS) as ScoreFactor[]).map((k) => `${k} ${c.score[k].toFixed(2)}×${SCORE_WEIGHTS[k]}`);
  out.push(`      score ${c.score.total.toFixed(3)} = ${factors.join(' + ')}`);
  if (c.branchId) out.push(`      validation branch: ${c.branchId}`);
  if (c.regression?.length) out.push(`      regression: ${c.regression.map((x) => `${x.runId} ${x.ok ? 'ok' : 'FAILS'}`).join(', ')}`);
  for (const f of c.files) out.push(...f.diff.trimEnd().split('\n').map((l) => `      ${l}`));
  return out;
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
