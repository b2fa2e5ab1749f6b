// Preload for the real-agent bench: nock's recorder records every request of the agent (as its users run it, with
// output objects kept in memory) and writes them as JSON to BENCH_OUT at exit.
import fs from 'node:fs';
import nock from 'nock';

nock.recorder.rec({ dont_print: true, output_objects: true });
process.on('exit', () => {
  fs.writeFileSync(process.env.BENCH_OUT, JSON.stringify(nock.recorder.play(), null, 2));
});
