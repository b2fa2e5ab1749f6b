/**
 * Auto-apply policy: a fix is applied without asking only when a policy file in the agent's project allows it AND
 * the best candidate's verdict is "fixed" (not simulated) AND its score is at least the policy's minimum (>= 0.9).
 * The file is `.agenttrace/autofix.json` in the run's folder: `{ "autoApply": true, "minScore": 0.95 }`.
 * Anything else (no file, bad JSON, autoApply not exactly true) means: ask.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FixCandidate } from '../../shared/afe/types.js';

export const POLICY_FILE = path.join('.agenttrace', 'autofix.json');
const FLOOR = 0.9;

export interface AutofixPolicy {
  autoApply: boolean;
  minScore: number;
}

export function readPolicy(projectDir: string): AutofixPolicy {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(projectDir, POLICY_FILE), 'utf8')) as { autoApply?: unknown; minScore?: unknown };
    const min = typeof raw.minScore === 'number' && Number.isFinite(raw.minScore) ? Math.max(FLOOR, Math.min(1, raw.minScore)) : FLOOR;
    return { autoApply: raw.autoApply === true, minScore: min };
  } catch {
    return { autoApply: false, minScore: FLOOR };
  }
}

export function autoApplyAllowed(projectDir: string, best: FixCandidate): boolean {
  const p = readPolicy(projectDir);
  return p.autoApply && best.verdict === 'fixed' && best.files.length > 0 && best.score.total >= p.minScore;
}
