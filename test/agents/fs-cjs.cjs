// File-writing agent (CommonJS): destructured requires, fs/promises by require, callbacks. argv[2] = directory.
const { writeFileSync, promises } = require('fs');
const fsp = require('fs/promises');
const fs = require('node:fs');
const path = require('path');

const dir = process.argv[2];
(async () => {
  writeFileSync(path.join(dir, 'one.txt'), 'cjs sync');
  await fsp.writeFile(path.join(dir, 'two.txt'), 'cjs promise');
  await promises.appendFile(path.join(dir, 'two.txt'), '+');
  await new Promise((res) => fs.mkdir(path.join(dir, 'sub'), res));
  await new Promise((res) => fs.rename(path.join(dir, 'one.txt'), path.join(dir, 'sub', 'one.txt'), res));
  console.log(JSON.stringify({ files: fs.readdirSync(dir).sort() }));
})();
