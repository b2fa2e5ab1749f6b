// Keyframe stacks (test/cli/keyframeStack.test.ts): every line this agent prints carries the stack the agent itself
// sees at that call, printed by Node (source-mapped under tsx), to compare with the keyframe the recorder took there.
// The same file runs as plain JavaScript too (the test strips the types into a .mjs copy).
class Speaker {
  constructor(private readonly prefix: string) {
    this.say('built');
  }

  say(text: string): void {
    console.log(`${this.prefix} ${text} ${JSON.stringify(new Error('here').stack)}`);
  }
}

async function main(): Promise<void> {
  console.log('speaker'); // step 0: a run's first event has no keyframe
  const s = new Speaker('>');
  await Promise.resolve();
  [1, 2].forEach((n) => s.say(`item ${n}`));
  s.say('done');
}

await main();
