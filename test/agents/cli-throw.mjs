// CLI test agent: dies of an uncaught exception (exit code 1, message on stderr).
console.log('about to fail');
setTimeout(() => {
  throw new Error('agent exploded on purpose');
}, 5);
