// Workbench recording agent: `--steps N` rounds (default 5), each printing a line and drawing a Math.random value,
// `--sleep MS` apart (default 60), so a host sees the run grow while it is running. Exits 0 after "done".
const arg = (name, dflt) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : dflt;
};
const steps = arg('--steps', 5);
const sleep = arg('--sleep', 60);
for (let i = 1; i <= steps; i++) {
  console.log(`round ${i} of ${steps}: ${Math.random() < 2 ? 'drawn' : 'never'}`);
  await new Promise((r) => setTimeout(r, sleep));
}
console.log(`done in ${process.cwd()}`);
