// An agent that carries a credential of every kind the recorder must mask before disk (test/security/
// secretsAtRest.test.ts): the values arrive by argv, env and (two of them) as literals in this source.
// Env: MOCK_LLM_URL (the mock LLM), ECHO_URL (a server echoing x-acme-key back), PLANT_* (values, neutral names).
import OpenAI from 'openai';

const P = process.env;
// Literals in the script source (and locals of the top-level frame).
const dbPassword = 'srclit-pw-5c1d9e7b2a';
const awsKey = 'AKIAQWERTYUIOPASDFGH';

const argv = process.argv.slice(2);
const argvKey = argv.find((a) => a.startsWith('--api-key='))?.slice('--api-key='.length);
const argvToken = argv[argv.indexOf('--token') + 1];
console.log(`configured with ${argvKey} and ${argvToken} and ${process.env.FOO_PASSWORD}`);

const client = new OpenAI({ apiKey: 'sk-test-secrets-at-rest-0000', baseURL: `${P.MOCK_LLM_URL}/v1`, maxRetries: 0 });

async function ask(question) {
  // A local captured at the LLM call: named like a secret, holding a value that matches no shape.
  const sessionSecret = P.PLANT_LOCAL_LLM;
  const res = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${question} (session ${sessionSecret.length})` }] },
    // A secret query parameter and a custom credential header, through the real client.
    { query: { access_token: P.PLANT_QUERY }, headers: { 'x-acme-token': P.PLANT_HEADER } },
  );
  return res.choices[0].message.content;
}

// Every token shape, in a prompt (the mock's reply repeats the prompt, so responses carry them too).
// And a pasted .env file: its lines sit in the request's JSON body behind `\n` escapes.
const reply = await ask(`check these: ${P.PLANT_SHAPES} ${awsKey} and the db ${dbPassword.length}\n${P.PLANT_LINES}`);
console.log('reply', reply.length > 0);

// A JSON body field named like a secret, a cookie, and a header the server echoes back in its body.
const echoed = await fetch(`${P.ECHO_URL}/echo`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-acme-key': P.PLANT_ECHO, cookie: `sid=${P.PLANT_COOKIE}; theme=dark` },
  body: JSON.stringify({ client_secret: P.PLANT_BODY, note: 'hello' }),
});
console.log('echo', (await echoed.text()).includes(P.PLANT_ECHO));

function fail() {
  // A local captured at the error, and a credential quoted in the error message.
  const refreshToken = P.PLANT_LOCAL_ERR;
  throw new Error(`login refused: password=${P.PLANT_ERRMSG} for ${refreshToken.length}`);
}
fail();
