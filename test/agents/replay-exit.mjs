// Replay process-end test: an exit code set through process.exitCode, an exit listener that prints, and (argv[3]
// `late`) a beforeExit listener that schedules more work once: the replay must end exactly as the recording did.
import fs from 'node:fs';

process.exitCode = Number(process.argv[2] ?? 0);
if (process.argv[3] === 'late') {
  let once = false;
  process.on('beforeExit', () => {
    if (once) return;
    once = true;
    setTimeout(() => console.log(`late work ${Math.random()}`), 5);
  });
}
// Written straight to fd 1: a console line after the run's end would be an event past the recorded end.
process.on('exit', (code) => fs.writeSync(1, `exit listener: code ${code}\n`));
console.log(`value ${Math.random()}`);
