// Console agent: console methods, direct partial/binary/hex writes, a UTF-8 character split across two binary
// writes, a secret, and one oversized write. Deterministic, so a recorded and an unrecorded run print the same bytes.
console.log('hello', 42, { a: 1, b: [1, 2] });
console.info('info line');
console.error('error line');
console.warn('warn line');
process.stdout.write('partial ');
process.stdout.write('rest\n');
process.stdout.write(Buffer.from('buffer line\n'));
process.stdout.write(Buffer.from([0x63, 0xc3]));
process.stdout.write(Buffer.from([0xa9, 0x0a]));
process.stdout.write('68690a', 'hex');
process.stdout.write(new Uint8Array([0x75, 0x38, 0x0a]));
console.log('before');
const r = Math.random();
console.log(r > 2 ? 'never' : 'after');
console.log(`key ${process.env.OPENAI_API_KEY} done`);
console.table([{ x: 1, y: 'é' }]);
console.log('emoji \u{1F600} ünïcödé');
await new Promise((res) => process.stdout.write('with callback\n', res));
process.stderr.write('x'.repeat(300 * 1024) + '\n');
