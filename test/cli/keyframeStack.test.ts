import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stackLines } from '../../src/shared/trace/stackText.js';
import type { StackFrame, StateAtStep, TraceEvent } from '../../src/shared/trace/types.js';
import { AGENTS, cliJson, lastJsonLine, runCli, tmpHome, removeHomes } from './cliHarness.js';

afterAll(removeHomes);

/** The frames of the agent's own file in a stack the agent printed. */
function ownFrames(printed: string, script: string): StackFrame[] {
  const url = pathToFileURL(script).href;
  return stackLines(printed)
    .filter((f) => f.location === script || f.location === url)
    .map((f) => ({ functionName: f.functionName, url, line: f.line, column: f.column }));
}

/**
 * Records the agent with locals off (keyframes then read the stack without a pause) and a keyframe at every event;
 * returns, per printed line, the stack the agent printed and the keyframe's stack at that console event.
 */
async function keyframeStacks(script: string): Promise<{ printed: StackFrame[]; recorded: StackFrame[] }[]> {
  const home = tmpHome();
  const r = await runCli(['record', script, '--keyframe-every', '1', '--json'], { home, env: { AGENTTRACE_LOCALS: 'off' } });
  expect(r.code, r.stderr).toBe(0);
  const { id } = lastJsonLine<{ id: string }>(r.stdout);
  const shown = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'console'], { home });
  expect(shown.events).toHaveLength(5);
  const out = [];
  // Step 0 has no keyframe (a run's first event): its line carries no stack either.
  for (const ev of shown.events.slice(1)) {
    const text = (ev.payload as { text: string }).text;
    const printed = ownFrames(JSON.parse(text.slice(text.indexOf('"'))) as string, script);
    const at = await cliJson<{ state: StateAtStep }>(['show', id, '--step', String(ev.seq), '--json'], { home });
    expect(at.state.keyframeSeq).toBe(ev.seq);
    out.push({ printed, recorded: at.state.stack ?? [] });
  }
  return out;
}

/** The same frames, but the innermost one's column: the agent printed from `new Error()`, the recorder from the call. */
function expectSameFrames(recorded: StackFrame[], printed: StackFrame[]): void {
  expect(printed.length).toBeGreaterThanOrEqual(2);
  expect(recorded.map((f, i) => (i === 0 ? { ...f, column: 0 } : f))).toEqual(printed.map((f, i) => (i === 0 ? { ...f, column: 0 } : f)));
}

describe('keyframe stacks', () => {
  it('are the frames the agent itself sees, source-mapped, for a TypeScript agent (no SDK frame among them)', async () => {
    const script = path.join(AGENTS, 'stack-speaker.ts');
    const stacks = await keyframeStacks(script);
    for (const { printed, recorded } of stacks) expectSameFrames(recorded, printed);
    // Constructor, method, arrow inside forEach and async frames, named as Node prints them.
    expect(stacks[0].recorded.map((f) => f.functionName)).toEqual(['Speaker.say', 'new Speaker', 'main', '<anonymous>']);
    expect(stacks[1].recorded.map((f) => f.functionName)).toEqual(['Speaker.say', '<anonymous>', 'main', '<anonymous>']);
    // Lines of the .ts source, not of tsx's output.
    const source = fs.readFileSync(script, 'utf8').split('\n');
    expect(source[stacks[3].recorded[0].line - 1]).toContain('console.log(');
  });

  it('are the frames the agent itself sees for a plain JavaScript agent', async () => {
    const home = tmpHome();
    const script = path.join(home, 'stack-speaker.mjs');
    const ts = fs.readFileSync(path.join(AGENTS, 'stack-speaker.ts'), 'utf8');
    const js = ts
      .replace('constructor(private readonly prefix: string) {', 'constructor(prefix) {\n    this.prefix = prefix;')
      .replace('say(text: string): void {', 'say(text) {')
      .replace('async function main(): Promise<void> {', 'async function main() {');
    fs.writeFileSync(script, js);
    const stacks = await keyframeStacks(script);
    for (const { printed, recorded } of stacks) expectSameFrames(recorded, printed);
    expect(stacks[0].recorded.map((f) => f.functionName)).toEqual(['Speaker.say', 'new Speaker', 'main', '']);
  });
});
