// A CommonJS agent that crashes with an uncaught exception thrown two frames deep.
function parseConfig(text) {
  const source = 'inline';
  const parsed = JSON.parse(text);
  if (!parsed.model) throw new Error(`config from ${source} has no model`);
  return parsed;
}
function boot() {
  const attempt = 1;
  return parseConfig('{"temperature": 0.2}');
}
console.log('booting');
boot();
