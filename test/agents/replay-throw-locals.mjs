// Replay test agent: a throw statement in a function with locals, after a tracked value and one line of output.
function settle(order) {
  const total = order.items * order.price;
  throw new Error(`cannot settle order ${order.id} of ${total}`);
}
console.log('settling');
setTimeout(() => settle({ id: 'A7', items: 3, price: 4 }), 5);
