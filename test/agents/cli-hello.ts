// CLI test agent in TypeScript: type annotations and an interface need tsx; records one step through the recorder.
interface Greeting {
  who: string;
  times: number;
}
const g: Greeting = { who: process.argv[2] ?? 'world', times: 2 };
const rec = (globalThis as Record<symbol, { emit(kind: string, payload: unknown): number } | undefined>)[Symbol.for('agenttrace.recorder')];
for (let i = 0; i < g.times; i++) console.log(`hello ${g.who} ${i}`);
rec?.emit('step', { name: 'greet', input: g as unknown as Record<string, unknown> });
