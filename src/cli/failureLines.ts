/** How the CLI prints a detected failure (`show`; reusable by `fix`): class and summary, the decisive step, evidence. */
import type { Failure } from '../shared/afe/types.js';

/** `failed (rate_limit)`: a run's status with its failure class, when one was detected. */
export function statusWithClass(status: string, failureClass: string | undefined): string {
  return failureClass ? `${status} (${failureClass})` : status;
}

/** The failure block of `show`: lines padded like the run header (10 columns of labels). */
export function failureLines(f: Failure): string {
  const pad = (k: string): string => k.padEnd(10);
  const out: string[] = [`${pad('Failure')}${f.class}: ${f.summary}`];
  const top = f.suspects[0];
  if (top) out.push(`${pad('Decisive')}step ${top.seq} (${top.kind}, suspected): ${top.reason}`);
  if (f.seq !== undefined) out.push(`${pad('Failing')}step ${f.seq}${f.userFrame ? ` at ${f.userFrame.file}:${f.userFrame.line}` : ''}`);
  f.evidence.forEach((e, i) => {
    const step = e.seq !== undefined ? `[${e.seq}] ` : '';
    out.push(`${pad(i === 0 ? 'Evidence' : '')}${e.kind.padEnd(7)}${step}${e.label}`);
    if (e.detail) out.push(`${pad('')}${' '.repeat(7)}${e.kind === 'frame' ? '> ' : ''}${e.detail.replace(/\s+/g, ' ').slice(0, 200)}`);
  });
  if (f.suspects.length > 1) out.push(`${pad('Suspects')}${f.suspects.map((s) => `${s.kind} ${s.seq}`).join(', ')}`);
  return out.join('\n') + '\n';
}
