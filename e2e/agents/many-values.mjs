// E2E agent for the timeline's windowing: 100k recorded values (Math.random), a few lines around them.
console.log('start');
let sum = 0;
for (let i = 0; i < 100_000; i++) sum += Math.random();
console.log(`mean ${(sum / 100_000).toFixed(1)}`);
