import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixCandidate } from '../../shared/afe/types.js';
import { autoApplyAllowed, POLICY_FILE, readPolicy } from './policy.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(policy?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-policy-'));
  dirs.push(dir);
  if (policy !== undefined) {
    fs.mkdirSync(path.join(dir, '.agenttrace'));
    fs.writeFileSync(path.join(dir, POLICY_FILE), policy);
  }
  return dir;
}

function candidate(verdict: FixCandidate['verdict'], total: number, files = 1): FixCandidate {
  return {
    n: 1,
    strategy: 'code_patch',
    source: 'heuristic',
    title: 't',
    rationale: 'r',
    files: Array.from({ length: files }, () => ({ path: '/p/a.mjs', sha256: '0'.repeat(64), diff: '', before: 'a', after: 'b' })),
    verdict,
    verdictDetail: '',
    score: { confidence: 1, size: 1, validation: 1, history: 1, safety: 1, specificity: 1, total },
  };
}

describe('auto-apply policy', () => {
  it('allows only a fixed (not simulated) candidate with files scoring at least 0.9, with autoApply exactly true', () => {
    const on = project('{"autoApply": true}');
    expect(autoApplyAllowed(on, candidate('fixed', 0.9))).toBe(true);
    expect(autoApplyAllowed(on, candidate('fixed', 0.899))).toBe(false);
    expect(autoApplyAllowed(on, candidate('fixed_simulated', 0.99))).toBe(false);
    expect(autoApplyAllowed(on, candidate('fixed', 0.99, 0))).toBe(false);
    expect(autoApplyAllowed(project(), candidate('fixed', 1))).toBe(false);
    expect(autoApplyAllowed(project('{"autoApply": "true"}'), candidate('fixed', 1))).toBe(false);
    expect(autoApplyAllowed(project('{"autoApply": true'), candidate('fixed', 1))).toBe(false);
  });

  it('raises the minimum score but never lowers it below 0.9', () => {
    expect(readPolicy(project('{"autoApply": true, "minScore": 0.5}'))).toEqual({ autoApply: true, minScore: 0.9 });
    expect(readPolicy(project('{"autoApply": true, "minScore": 0.95}'))).toEqual({ autoApply: true, minScore: 0.95 });
    expect(autoApplyAllowed(project('{"autoApply": true, "minScore": 0.95}'), candidate('fixed', 0.93))).toBe(false);
  });
});
