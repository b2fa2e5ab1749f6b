/**
 * The AutoFix corpus: one small failing agent per failure class, each using the real `openai` or `groq-sdk` client
 * against the mock LLM server (test/mock/llmScenarios.ts decides the failure from the request). Tests iterate this
 * table: record the agent through the CLI with `corpusEnv`, then check detection, root cause, candidates and fixes.
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FailureClass, Suspect } from '../../../src/shared/afe/types.js';

export interface CorpusAgent {
  /** Path from the repository root. */
  file: string;
  class: FailureClass;
  client: 'openai' | 'groq-sdk';
  /**
   * The decisive step: the `nth` (1-based) recorded event of `kind` in the run (what the first suspect must be, and
   * what a counterfactual replay with a corrected value there turns into a clean run). null: no recorded event is to
   * blame (a bug in the code).
   */
  decisive: { kind: Suspect['kind']; nth: number; description: string } | null;
  /** Text on the source line of the user frame the evidence must name (null when there is none). */
  frameMarker: string | null;
  /** The intended fix, in one line ("needs you: …" when only the user can fix it). */
  fix: string;
  /** The intended fix as one literal replacement in the agent's file (null for the "needs you" classes). */
  fixPatch: { find: string; replace: string } | null;
  /** Whether a fresh `record` against the same mock passes (exit 0) once the fix is applied. */
  freshPassesAfterFix: boolean;
  /** API keys the mock reacts to (default: ordinary test keys). */
  keys?: { openai?: string; groq?: string };
  /** OPENAI_BASE_URL points at a closed loopback port instead of the mock. */
  unreachable?: boolean;
}

const CREATE_OPENAI = 'const res = await client.chat.completions.create({';

export const CORPUS: readonly CorpusAgent[] = [
  {
    file: 'test/agents/afe/rate-limit.mjs',
    class: 'rate_limit',
    client: 'openai',
    decisive: { kind: 'llm', nth: 2, description: 'the 2nd llm event: the last 429 attempt, whose error reached the agent' },
    frameMarker: CREATE_OPENAI,
    fix: 'retry 429s honouring retry-after: maxRetries 1 → 5 on the client',
    fixPatch: { find: 'new OpenAI({ maxRetries: 1 })', replace: 'new OpenAI({ maxRetries: 5 })' },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/quota.mjs',
    class: 'quota',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: 429 insufficient_quota (the agent catches it and exits 1)' },
    frameMarker: CREATE_OPENAI,
    fix: 'needs you: add credit to the OpenAI account or use a key that has quota',
    fixPatch: null,
    freshPassesAfterFix: false,
    keys: { openai: 'sk-noquota-corpus-0000000000' },
  },
  {
    file: 'test/agents/afe/auth-groq.mjs',
    class: 'auth',
    client: 'groq-sdk',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: 401 invalid_api_key' },
    frameMarker: 'const reply = await groq.chat.completions.create({',
    fix: 'needs you: replace the revoked GROQ_API_KEY with a valid key',
    fixPatch: null,
    freshPassesAfterFix: false,
    keys: { groq: 'gsk_revoked_corpus_000000000' },
  },
  {
    file: 'test/agents/afe/model-gone-groq.mjs',
    class: 'model_not_found',
    client: 'groq-sdk',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: 400 model_decommissioned for llama3-70b-8192' },
    frameMarker: 'const res = await groq.chat.completions.create({',
    fix: 'switch the decommissioned llama3-70b-8192 to llama-3.3-70b-versatile',
    fixPatch: { find: "const MODEL = 'llama3-70b-8192';", replace: "const MODEL = 'llama-3.3-70b-versatile';" },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/server-error-groq.mjs',
    class: 'server_error',
    client: 'groq-sdk',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: 503 server_error, never retried (unhandled rejection)' },
    frameMarker: ".create({ model: 'overloaded-2'",
    fix: 'retry 5xx replies: maxRetries 0 → 3 on the client',
    fixPatch: { find: 'new Groq({ maxRetries: 0 })', replace: 'new Groq({ maxRetries: 3 })' },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/timeout.mjs',
    class: 'timeout',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: aborted after ~300 ms without a response' },
    frameMarker: CREATE_OPENAI,
    fix: 'raise the client timeout from 300 ms to 5 s',
    fixPatch: { find: 'timeout: 300,', replace: 'timeout: 5000,' },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/network.mjs',
    class: 'network',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: ECONNREFUSED' },
    frameMarker: CREATE_OPENAI,
    fix: 'needs you: start the gateway OPENAI_BASE_URL points at, or point it at a reachable endpoint',
    fixPatch: null,
    freshPassesAfterFix: false,
    unreachable: true,
  },
  {
    file: 'test/agents/afe/context-overflow.mjs',
    class: 'context_overflow',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: 400 context_length_exceeded' },
    frameMarker: 'const res = await client.chat.completions.create({',
    fix: 'send only the last 8000 characters of the log',
    fixPatch: { find: '${log}`', replace: '${log.slice(-8000)}`' },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/bad-json.mjs',
    class: 'bad_json',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: a reply with prose around a ```json fence' },
    frameMarker: 'const plan = JSON.parse(content);',
    fix: "ask for JSON mode: response_format { type: 'json_object' }",
    fixPatch: { find: "model: 'json-fenced',", replace: "model: 'json-fenced',\n    response_format: { type: 'json_object' }," },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/schema-mismatch.mjs',
    class: 'schema_mismatch',
    client: 'openai',
    decisive: { kind: 'llm', nth: 1, description: 'the 1st llm event: valid JSON whose items is a string' },
    frameMarker: 'return plan.items.map(',
    fix: 'accept items given as one comma-separated string',
    fixPatch: { find: 'return plan.items.map(', replace: 'const items = Array.isArray(plan.items) ? plan.items : String(plan.items).split(/,\\s*/);\n  return items.map(' },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/missing-context.mjs',
    class: 'missing_context',
    client: 'openai',
    decisive: { kind: 'http', nth: 1, description: 'the 1st http event: the weather reply without `current`' },
    frameMarker: 'const temp = weather.current.temp_c;',
    fix: 'read the temperature optionally, with a fallback when the station has no current observation',
    fixPatch: { find: 'weather.current.temp_c;', replace: "weather.current?.temp_c ?? 'n/a';" },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/tool-error.mjs',
    class: 'tool_error',
    client: 'openai',
    decisive: { kind: 'tool', nth: 1, description: 'the 1st tool event: calculate threw RangeError' },
    frameMarker: 'throw new RangeError(',
    fix: "catch the tool's error and send it to the model as the tool message",
    fixPatch: {
      find: 'const result = calculate(JSON.parse(call.function.arguments).query);',
      replace: 'let result;\ntry {\n  result = calculate(JSON.parse(call.function.arguments).query);\n} catch (err) {\n  result = `error: ${err.message}`;\n}',
    },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/loop-groq.mjs',
    class: 'loop',
    client: 'groq-sdk',
    decisive: { kind: 'llm', nth: 2, description: 'the 2nd llm event: the first repetition of the identical request' },
    frameMarker: 'throw new Error(`agent gave up',
    fix: 'append the assistant tool call and the tool result to the messages before the next turn',
    fixPatch: {
      find: '  console.log(`turn ${turn}: searched',
      replace: "  messages.push(msg, { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: found });\n  console.log(`turn ${turn}: searched",
    },
    freshPassesAfterFix: true,
  },
  {
    file: 'test/agents/afe/code-bug.mjs',
    class: 'code_bug',
    client: 'openai',
    decisive: null,
    frameMarker: 'formatReprt(',
    fix: 'call formatReport (the misspelt formatReprt is not defined)',
    fixPatch: { find: 'const report = formatReprt(', replace: 'const report = formatReport(' },
    freshPassesAfterFix: true,
  },
];

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of a corpus agent. */
export function corpusPath(agent: CorpusAgent): string {
  return path.join(REPO, agent.file);
}

/**
 * The environment a corpus agent is recorded with: the clients find the mock through OPENAI_BASE_URL and
 * GROQ_BASE_URL (their own defaults), tools through WEATHER_API_BASE_URL. `closedUrl` comes from closedPortUrl().
 */
export function corpusEnv(agent: CorpusAgent, mockUrl: string, closedUrl: string): Record<string, string> {
  return {
    OPENAI_API_KEY: agent.keys?.openai ?? 'sk-test-corpus-0000000000',
    GROQ_API_KEY: agent.keys?.groq ?? 'gsk_test_corpus_0000000000',
    OPENAI_BASE_URL: `${agent.unreachable ? closedUrl : mockUrl}/v1`,
    GROQ_BASE_URL: mockUrl,
    WEATHER_API_BASE_URL: mockUrl,
  };
}

/** `http://127.0.0.1:PORT` of a loopback port nothing listens on (bound, then closed). */
export function closedPortUrl(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}
