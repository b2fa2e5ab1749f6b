/**
 * JUnit XML for `agenttrace test --reporter junit`: the format CI systems (GitHub Actions reporters, GitLab, Jenkins)
 * read. One <testsuite> with a <testcase> per baseline; a failed one carries a <failure> whose text is the diff, a
 * case that could not run an <error>; the agent's output goes to <system-out>. Pure.
 */
import type { RegressionCase } from '../engine/replay/regressionTest.js';

export function junitXml(cases: RegressionCase[], timestamp: Date): string {
  const failures = cases.filter((c) => c.status === 'failed').length;
  const errors = cases.filter((c) => c.status === 'error').length;
  const time = seconds(cases.reduce((s, c) => s + c.durationMs, 0));
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agenttrace" ${counts} time="${time}">`,
    `  <testsuite name="agenttrace test" ${counts} skipped="0" time="${time}" timestamp="${timestamp.toISOString().replace(/\.\d+Z$/, '')}">`,
  ];
  for (const c of cases) {
    lines.push(`    <testcase classname="${attr(`agenttrace.${c.script}`)}" name="${attr(`${c.script} [${c.baseline.ref}]`)}" time="${seconds(c.durationMs)}">`);
    if (c.status !== 'passed') {
      const tag = c.status === 'failed' ? 'failure' : 'error';
      const type = c.status === 'failed' ? 'divergence' : 'error';
      lines.push(`      <${tag} message="${attr(c.summary)}" type="${type}">${text([c.summary, ...c.details].join('\n'))}</${tag}>`);
    }
    if (c.output) lines.push(`      <system-out>${text(c.output)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Characters XML 1.0 cannot carry at all (ANSI escapes in agent output, NUL, …) are dropped.
const INVALID = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
