// CLI test agent: ordinary output on both streams, argv echo, Math.random, and — through the recorder the SDK
// installed (the same object `agenttrace/sdk` uses) — steps, tracked-state deltas and a keyframe, so the host
// pipeline is tested independently of which SDK hooks exist. Exit code from `--exit N`.
const rec = globalThis[Symbol.for('agenttrace.recorder')];
const args = process.argv.slice(2);
const exitAt = args.indexOf('--exit');

console.log('hello from agent');
console.log(`args: ${JSON.stringify(args)}`);
console.error('agent diagnostics on stderr');
const r = Math.random();
console.log(`random is a number: ${typeof r === 'number'}`);

if (rec) {
  const plan = rec.emit('step', { name: 'plan', input: { goal: 'demo' } });
  rec.emit('state', { name: 'memory', ops: [{ op: 'set', path: [], value: { notes: ['a'] } }] });
  rec.keyframe({ seq: rec.steps - 1, tracked: { memory: { notes: ['a'] } }, globals: {}, frames: [], stack: [], files: {}, cursors: {} });
  rec.emit('state', { name: 'memory', ops: [{ op: 'set', path: ['notes', 1], value: 'b' }] });
  rec.emit('tool', { name: 'search', input: 'otters', output: 'found 3' }, { parentSeq: plan });
  rec.patch(plan, { output: 'done', durationMs: 5 });
}
process.stdout.write('bye\n');
if (exitAt >= 0) process.exitCode = Number(args[exitAt + 1]);
