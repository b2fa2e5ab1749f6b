// AutoFix corpus (tool_error): the model asks the calculator tool to divide by zero and the tool (wrapped with the
// SDK's tool()) throws; the agent does not turn tool errors into tool messages.
import OpenAI from 'openai';
import { tool } from 'agenttrace/sdk';

const client = new OpenAI({ maxRetries: 0 });
const tools = [{ type: 'function', function: { name: 'calculate', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];

const calculate = tool('calculate', (expression) => {
  const m = /(-?\d+(?:\.\d+)?)\s*([-+*/])\s*(-?\d+(?:\.\d+)?)/.exec(expression);
  if (!m) throw new Error(`cannot parse "${expression}"`);
  const [a, op, b] = [Number(m[1]), m[2], Number(m[3])];
  if (op === '/' && b === 0) throw new RangeError(`cannot divide ${a} by zero`);
  return { '+': a + b, '-': a - b, '*': a * b, '/': a / b }[op];
});

const messages = [{ role: 'user', content: 'What is 12 / 0?' }];
const first = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages });
const call = first.choices[0].message.tool_calls[0];
const result = calculate(JSON.parse(call.function.arguments).query);
messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: String(result) });
const final = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages });
console.log(final.choices[0].message.content);
