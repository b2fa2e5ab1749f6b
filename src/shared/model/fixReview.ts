/**
 * Pure derivations of the fix review screen (and of anything else that shows a fix): the stage strip from
 * fixProgress events, the six-factor score breakdown, the evidence chain with its plain "confirmed by replay" /
 * "suspected" statement, verdict tones and failure class names. No DOM, no transport: unit-tested in Node.
 */
import type { EvidenceStep, Failure, FailureClass, FixProgress, FixReport, FixStage, RootCause, ScoreBreakdown, ScoreFactor, Verdict } from '../afe/types.js';
import { SCORE_WEIGHTS, VERDICT_LABEL } from '../afe/types.js';

/** The stages a person sees, in order ('done' is the end, not a stage). */
export const STAGE_ORDER = ['detect', 'rootCause', 'candidates', 'validate', 'rank'] as const;
export type ShownStage = (typeof STAGE_ORDER)[number];

const STAGE_LABEL: Record<ShownStage, string> = { detect: 'Detect', rootCause: 'Root cause', candidates: 'Candidates', validate: 'Validate', rank: 'Ranked' };

/** What the progress events of one fix said so far: the last stage reached, whether it ended, each stage's last line. */
export interface ProgressState {
  /** The last working stage an event named ('done' is kept apart in `ended`). */
  stage?: ShownStage;
  /** A 'done' event arrived: the fix ended (done, no failure, cancelled or error: the report says which). */
  ended: boolean;
  /** The last message of each stage; 'done' holds the closing line. */
  messages: Partial<Record<FixStage, string>>;
  /** Validation progress (k of n), from the validate stage's events. */
  validated?: { done: number; total: number };
}

export const NO_PROGRESS: ProgressState = { ended: false, messages: {} };

/** Folds one fixProgress event in (events of other fixes must be filtered out by the caller). */
export function reduceProgress(s: ProgressState, p: FixProgress): ProgressState {
  const next: ProgressState = { ...s, messages: { ...s.messages, [p.stage]: p.message } };
  if (p.stage === 'done') next.ended = true;
  else next.stage = p.stage;
  if (p.stage === 'validate' && p.total !== undefined) next.validated = { done: p.done ?? 0, total: p.total };
  return next;
}

export type StageState = 'done' | 'active' | 'pending' | 'stopped';

export interface StageView {
  stage: ShownStage;
  label: string;
  state: StageState;
  /** One line under the label (the stage's last message). */
  detail?: string;
}

/** The stage a saved report had reached (a page opened on a fix that is already running). */
function stageOfReport(r: FixReport | undefined): ShownStage {
  if (!r?.failure) return 'detect';
  if (!r.rootCause) return 'rootCause';
  if (!r.candidates.length) return 'candidates';
  if (r.candidates.some((c) => c.verdict === 'pending')) return 'validate';
  return 'rank';
}

/**
 * The stage strip: stages before the current one done, the current one active, the rest pending. A finished
 * report marks everything done; a cancelled or failed one marks the stage it stopped at as stopped; a run that did
 * not fail stops after detection.
 */
export function stageList(progress: ProgressState, report?: FixReport): StageView[] {
  const status = report?.status ?? 'running';
  const current = STAGE_ORDER.indexOf(progress.stage ?? stageOfReport(report));
  const total = progress.validated?.total ?? report?.candidates.length;
  return STAGE_ORDER.map((stage, i) => {
    let state: StageState;
    if (status === 'done' || (status === 'running' && progress.ended)) state = 'done';
    else if (status === 'no_failure') state = i === 0 ? 'done' : 'pending';
    else if (status === 'cancelled' || status === 'error') state = i < current ? 'done' : i === current ? 'stopped' : 'pending';
    else state = i < current ? 'done' : i === current ? 'active' : 'pending';
    const view: StageView = { stage, label: STAGE_LABEL[stage], state };
    if (stage === 'validate' && total !== undefined && state !== 'pending') {
      view.label = state === 'done' ? `Validated ${total}` : `Validating ${Math.min(progress.validated?.done ?? 0, total)} of ${total}`;
    }
    const msg = progress.messages[stage];
    if (msg && state !== 'pending') view.detail = msg;
    return view;
  });
}

/** One line of the score breakdown: factor, weight, the factor's value in [0, 1], and weight × value. */
export interface ScoreRow {
  factor: ScoreFactor;
  label: string;
  weight: number;
  value: number;
  contribution: number;
}

const FACTOR_LABEL: Record<ScoreFactor, string> = {
  confidence: 'Confidence',
  size: 'Patch size',
  validation: 'Validation',
  history: 'Historical pattern',
  safety: 'Safety',
  specificity: 'Specificity',
};

/** The six factors, heaviest weight first, with their contribution to the total. */
export function scoreRows(score: ScoreBreakdown): ScoreRow[] {
  return (Object.keys(SCORE_WEIGHTS) as ScoreFactor[])
    .map((factor) => {
      const value = clamp01(score[factor]);
      return { factor, label: FACTOR_LABEL[factor], weight: SCORE_WEIGHTS[factor], value, contribution: round3(SCORE_WEIGHTS[factor] * value) };
    })
    .sort((a, b) => b.weight - a.weight);
}

/** A score as people read it: 0.82. */
export function scoreText(n: number): string {
  return clamp01(n).toFixed(2);
}

export type VerdictTone = 'good' | 'warn' | 'bad' | 'neutral';

/** The colour family of a verdict badge: fixed green, simulated/needs-you amber, not fixed/regressed/error red. */
export function verdictTone(v: Verdict): VerdictTone {
  if (v === 'fixed') return 'good';
  if (v === 'fixed_simulated' || v === 'needs_you') return 'warn';
  if (v === 'pending') return 'neutral';
  return 'bad';
}

export function verdictLabel(v: Verdict): string {
  return VERDICT_LABEL[v];
}

/** A failure class as words: `bad_json` → "bad JSON". */
export function failureClassLabel(c: FailureClass): string {
  const special: Partial<Record<FailureClass, string>> = { bad_json: 'bad JSON', code_bug: 'code bug', model_not_found: 'model not found' };
  return special[c] ?? c.replace(/_/g, ' ');
}

/** One link of the evidence chain as shown: a clickable step when it has one, its source line for a user frame. */
export interface EvidenceItem {
  key: string;
  kind: EvidenceStep['kind'];
  /** "Error", "Provider reply", "Your code", "Wrong value", "Recorded event", "Exit". */
  role: string;
  label: string;
  detail?: string;
  seq?: number;
  /** `agent.mjs:12:5 in main` and the trimmed source line, for kind 'frame'. */
  where?: string;
  source?: string;
  /** This link is the decisive step (the root cause's seq). */
  decisive: boolean;
}

export interface EvidenceChainView {
  items: EvidenceItem[];
  /** "confirmed by replay", "suspected", or "not found": stated plainly, never blurred. */
  statusText: string;
  status: RootCause['status'];
  /** The decisive step, when one was named. */
  decisiveSeq?: number;
  cause?: string;
  /** One line per counterfactual replay tried. */
  tries: string[];
}

const ROLE: Record<EvidenceStep['kind'], string> = { error: 'Error', status: 'Provider reply', frame: 'Your code', value: 'Wrong value', event: 'Recorded event', exit: 'Exit' };

/** Two renderings of one source line (indentation and runs of spaces aside). */
function sameCode(a: string, b: string): boolean {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ');
  return norm(a) === norm(b);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/**
 * The evidence chain, error first, down to the decisive event. When the root cause names a step that no evidence
 * link points at, it is added as the chain's last link, so the decisive step is always one click away.
 */
export function evidenceChain(failure: Failure | undefined, rootCause: RootCause | undefined): EvidenceChainView {
  const decisiveSeq = rootCause?.seq;
  const items: EvidenceItem[] = (failure?.evidence ?? []).map((e, i) => {
    const item: EvidenceItem = { key: `${i}-${e.kind}-${e.seq ?? ''}`, kind: e.kind, role: ROLE[e.kind], label: e.label, decisive: decisiveSeq !== undefined && e.seq === decisiveSeq };
    if (e.seq !== undefined) item.seq = e.seq;
    if (e.frame) {
      item.where = `${baseName(e.frame.file)}:${e.frame.line}:${e.frame.column}${e.frame.functionName ? ` in ${e.frame.functionName}` : ''}`;
      if (e.frame.sourceLine) item.source = e.frame.sourceLine;
    }
    // Detection also puts a frame's source line in `detail` (the CLI prints it there): shown once, as the code.
    if (e.detail && !(item.source !== undefined && sameCode(e.detail, item.source))) item.detail = e.detail;
    return item;
  });
  if (decisiveSeq !== undefined && !items.some((i) => i.seq === decisiveSeq)) {
    items.push({ key: `decisive-${decisiveSeq}`, kind: 'event', role: ROLE.event, label: `step ${decisiveSeq}`, seq: decisiveSeq, decisive: true, ...(rootCause?.cause ? { detail: rootCause.cause } : {}) });
  }
  const status = rootCause?.status ?? 'unknown';
  const statusText = status === 'confirmed' ? 'confirmed by replay' : status === 'suspected' ? 'suspected (not confirmed by replay)' : 'not found';
  const tries = (rootCause?.tries ?? []).map(
    (t) => `step ${t.seq}: ${t.correction} → ${t.outcome === 'clean' ? 'ran clean' : t.outcome === 'failed' ? 'failed again' : 'could not run'}${t.simulated ? ` (${t.simulated} simulated)` : ''}`,
  );
  const view: EvidenceChainView = { items, status, statusText, tries };
  if (decisiveSeq !== undefined) view.decisiveSeq = decisiveSeq;
  if (rootCause?.cause) view.cause = rootCause.cause;
  return view;
}

/** A user file's path relative to the run's folder (how the diff headers name it), else as given. */
export function relativeTo(file: string, cwd: string): string {
  const dir = cwd.replace(/[\\/]+$/, '');
  return dir && file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file.startsWith(`${dir}\\`) ? file.slice(dir.length + 1) : file;
}

/** Lines added and removed by a unified diff (its header lines excluded). */
export function diffStat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
