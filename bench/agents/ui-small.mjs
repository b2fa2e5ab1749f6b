// Bench agent for the workbench benchmark's small traces: about 30 events (random rolls and the lines printing them),
// no network, so its branches replay offline.
let total = 0;
for (let i = 0; i < 14; i++) {
  const roll = Math.random();
  total += roll;
  console.log(`roll ${i} ${roll.toFixed(3)}`);
}
console.log(`total ${total.toFixed(2)}`);
