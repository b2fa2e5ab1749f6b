// E2E agent for "Record a script…": `--rounds N` rounds (default 12), each printing a line and drawing two
// Math.random values, ~110 ms apart, so the workbench can watch the run grow for about 1.5 s before it ends ok.
const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 12;
const label = process.argv[process.argv.indexOf('--label') + 1] ?? 'agent';
let total = 0;
for (let i = 1; i <= rounds; i++) {
  total += Math.random() + Math.random();
  console.log(`${label}: round ${i} of ${rounds}`);
  await new Promise((resolve) => setTimeout(resolve, 110));
}
console.log(`${label}: finished, ${total > 0 ? 'drew' : 'no'} ${rounds * 2} values`);
