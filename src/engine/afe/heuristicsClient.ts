/**
 * Heuristic fixes for provider failures: retry policy and timeouts on the SDK client (rate_limit, server_error,
 * timeout, network), a retry-with-backoff wrapper around the failing call, model replacement (model_not_found),
 * message trimming and max_tokens (context_overflow), and the "needs you" steps for auth and quota. Pure.
 */
import { apiKeyEnv, clientsFor, EditSet, isLlmCreate, llmCallNear, makePatch, requestObject, where, type Ctx, type HeuristicCandidate } from './heuristicKit.js';
import { FIT_TEXT, WITH_RETRY, TRIM_MESSAGES } from './helperCode.js';
import { MODEL_LIST_URL, replacementFor } from './modelTable.js';
import { addProperty, appendHelper, declaresFunction, findNodes, lineOf, propertyOf, textOf, ts, type Src, type TextEdit } from './sourceEdit.js';
import type { TS } from './sourceEdit.js';

const PROVIDER_NAME: Record<string, string> = { groq: 'Groq', openai: 'OpenAI', anthropic: 'Anthropic', gemini: 'Gemini', 'openai-compatible': 'the provider' };
const KEY_ENV: Record<string, string> = { groq: 'GROQ_API_KEY', openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const KEY_URL: Record<string, string> = { groq: 'https://console.groq.com/keys', openai: 'https://platform.openai.com/api-keys', anthropic: 'https://console.anthropic.com/settings/keys' };
const BILLING_URL: Record<string, string> = {
  groq: 'https://console.groq.com/settings/billing (limits: https://console.groq.com/settings/limits)',
  openai: 'https://platform.openai.com/settings/organization/billing (limits: https://platform.openai.com/settings/organization/limits)',
  anthropic: 'https://console.anthropic.com/settings/billing (limits: https://console.anthropic.com/settings/limits)',
};

/** The provider of the failure: the decisive call's, else the single SDK the files construct. */
function providerOf(ctx: Ctx): string {
  if (ctx.provider) return ctx.provider;
  const set = new Set(clientsFor(ctx).map((c) => c.provider));
  return set.size === 1 ? [...set][0] : 'openai-compatible';
}

function numberLiteral(src: Src, n: TS.Expression): number | undefined {
  if (ts.isNumericLiteral(n)) return Number(n.text.replace(/_/g, ''));
  // `60 * 1000` style.
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const a = numberLiteral(src, n.left);
    const b = numberLiteral(src, n.right);
    return a !== undefined && b !== undefined ? a * b : undefined;
  }
  return undefined;
}

/** `value` written like the literal it replaces (numeric separators kept when the file used them). */
function numberText(value: number, like?: string): string {
  return like?.includes('_') ? value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(value);
}

/**
 * The edit that makes option `name` at least `min` in an options object: the literal raised, or the option added;
 * nothing when it is already high enough or not a literal (then the developer set it on purpose elsewhere).
 */
function raiseOption(src: Src, obj: TS.ObjectLiteralExpression, name: string, min: number, value: number): { edit?: TextEdit; add?: string } {
  const p = propertyOf(obj, name);
  if (!p) return { add: `${name}: ${numberText(value)}` };
  if (!ts.isPropertyAssignment(p)) return {};
  const current = numberLiteral(src, p.initializer);
  if (current === undefined || current >= min) return {};
  return { edit: { start: p.initializer.getStart(src.sf), end: p.initializer.getEnd(), text: numberText(value, textOf(src, p.initializer)) } };
}

/** Edits that set client options (`new OpenAI({...})`, also `new OpenAI()`), and the per-request options of calls. */
function clientOptionEdits(ctx: Ctx, opts: { name: string; min: number; value: number; addIfMissing: boolean }[]): EditSet {
  const set = new EditSet();
  for (const c of clientsFor(ctx)) {
    const arg = c.node.arguments?.[0];
    if (!arg) {
      const adds = opts.filter((o) => o.addIfMissing).map((o) => `${o.name}: ${numberText(o.value)}`);
      if (!adds.length) continue;
      const obj = `{ ${adds.join(', ')} }`;
      if (!c.node.arguments) set.add(c.src, { start: c.node.getEnd(), end: c.node.getEnd(), text: `(${obj})` });
      else {
        const open = c.src.text.indexOf('(', c.node.expression.getEnd());
        set.add(c.src, { start: open + 1, end: c.node.getEnd() - 1, text: obj });
      }
      continue;
    }
    if (!ts.isObjectLiteralExpression(arg)) continue;
    const adds: string[] = [];
    for (const o of opts) {
      const r = raiseOption(c.src, arg, o.name, o.min, o.value);
      set.add(c.src, r.edit);
      if (r.add && o.addIfMissing) adds.push(r.add);
    }
    if (adds.length) set.add(c.src, addProperty(c.src, arg, adds));
  }
  // Per-request options (`create(body, { maxRetries: 0, timeout: 5000 })`) win over the client's: raise them too.
  for (const src of ctx.srcs) {
    for (const call of findNodes(src.sf, isLlmCreate)) {
      const o2 = call.arguments[1];
      if (!o2 || !ts.isObjectLiteralExpression(o2)) continue;
      for (const o of opts) set.add(src, raiseOption(src, o2, o.name, o.min, o.value).edit);
    }
  }
  return set;
}

/** `await withRetry(() => <the failing call>)` plus the helper, when the failing line holds an SDK call. */
function retryWrapper(ctx: Ctx, what: string): HeuristicCandidate | null {
  const near = llmCallNear(ctx);
  if (!near || !ctx.line) return null;
  const { src, call } = near;
  if (lineOf(src.sf, call.getStart(src.sf)) > ctx.line || lineOf(src.sf, call.getEnd()) < ctx.line) return null;
  const parent = call.parent;
  if (ts.isArrowFunction(parent) && ts.isCallExpression(parent.parent) && ts.isIdentifier(parent.parent.expression) && parent.parent.expression.text === 'withRetry') return null;
  const set = new EditSet();
  set.add(src, { start: call.getStart(src.sf), end: call.getStart(src.sf), text: 'withRetry(() => ' });
  set.add(src, { start: call.getEnd(), end: call.getEnd(), text: ')' });
  if (!declaresFunction(src, WITH_RETRY.name)) set.add(src, appendHelper(src, src.isTs ? WITH_RETRY.ts : WITH_RETRY.js));
  return makePatch(set.map, {
    strategy: 'retry_policy',
    title: `Retry the call on ${what} with backoff honouring retry-after`,
    rationale: `The call at ${where(src, ctx.line)} failed with ${what}; withRetry() retries it up to 5 times, waiting what the provider's retry-after header asks (else exponential backoff).`,
    specificity: 0.7,
    safety: 0.8,
  });
}

function retries(ctx: Ctx, what: string, maxRetries: number): HeuristicCandidate[] {
  const out: HeuristicCandidate[] = [];
  const p = makePatch(clientOptionEdits(ctx, [{ name: 'maxRetries', min: maxRetries, value: maxRetries, addIfMissing: true }]).map, {
    strategy: 'retry_policy',
    title: `Let the SDK client retry ${what} (maxRetries: ${maxRetries})`,
    rationale: `The request failed with ${what}. The ${PROVIDER_NAME[providerOf(ctx)] ?? 'SDK'} client retries such errors itself with exponential backoff and honours retry-after, but it was allowed too few retries.`,
    specificity: 0.8,
    safety: 0.9,
  });
  if (p) out.push(p);
  const w = retryWrapper(ctx, what);
  if (w) out.push(w);
  return out;
}

export function rateLimit(ctx: Ctx): HeuristicCandidate[] {
  return retries(ctx, 'a 429 rate limit', 5);
}

export function serverError(ctx: Ctx): HeuristicCandidate[] {
  return retries(ctx, `a ${ctx.input.failure.status ?? '5xx'} server error`, 4);
}

export function timeout(ctx: Ctx): HeuristicCandidate[] {
  const out: HeuristicCandidate[] = [];
  const set = clientOptionEdits(ctx, [
    { name: 'timeout', min: 60_000, value: 120_000, addIfMissing: false },
    { name: 'maxRetries', min: 3, value: 3, addIfMissing: true },
  ]);
  // Tools that time their own fetches: `AbortSignal.timeout(5000)` on the failing line.
  if (ctx.frameSrc && ctx.line) {
    const src = ctx.frameSrc;
    for (const c of findNodes(src.sf, ts.isCallExpression)) {
      if (textOf(src, c.expression) !== 'AbortSignal.timeout' || lineOf(src.sf, c.getStart(src.sf)) !== ctx.line) continue;
      const v = c.arguments[0] && numberLiteral(src, c.arguments[0]);
      if (v !== undefined && v < 60_000) set.add(src, { start: c.arguments[0].getStart(src.sf), end: c.arguments[0].getEnd(), text: numberText(60_000, textOf(src, c.arguments[0])) });
    }
  }
  const p = makePatch(set.map, {
    strategy: 'config_change',
    title: 'Give the request more time and retries (timeout, maxRetries)',
    rationale: 'The request timed out. A longer timeout lets slow replies arrive, and the SDK retries a timed-out request with backoff.',
    specificity: 0.7,
    safety: 0.9,
  });
  if (p) out.push(p);
  return out;
}

export function network(ctx: Ctx): HeuristicCandidate[] {
  const out = retries(ctx, 'a connection error', 4);
  const url = ctx.llm?.request.url ?? (ctx.input.event?.payload as { request?: { url?: string } } | undefined)?.request?.url;
  let origin = '';
  try {
    origin = url ? new URL(url).origin : '';
  } catch {
    origin = '';
  }
  out.push({
    strategy: 'config_change',
    title: 'Check the base URL and the network',
    needsYou: `Check that ${origin || 'the API base URL'} is the right base URL and is reachable from this machine (proxy, VPN, DNS, firewall): e.g. curl -sS ${origin || '<base URL>'} — then run the agent again.`,
  });
  return out;
}

/** The model the failing call asked for. */
function failingModel(ctx: Ctx): string | undefined {
  if (ctx.llm?.model) return ctx.llm.model;
  const text = ctx.input.failure.evidence.map((e) => `${e.label} ${e.detail ?? ''}`).join(' ') + ` ${ctx.input.failure.error?.message ?? ''}`;
  return /model[ `'"]+([A-Za-z0-9._:/-]+)[`'"]/.exec(text)?.[1];
}

export function modelNotFound(ctx: Ctx): HeuristicCandidate[] {
  const model = failingModel(ctx);
  const provider = providerOf(ctx);
  const listUrl = MODEL_LIST_URL[provider] ?? 'the provider\'s model list';
  if (!model) {
    return [{ strategy: 'config_change', title: 'Use a model the provider serves', needsYou: `The requested model is not available at ${PROVIDER_NAME[provider] ?? provider}: pick a current model from ${listUrl} and set it where the script names its model.` }];
  }
  const rep = replacementFor(model, ctx.llm?.request.url);
  const set = new EditSet();
  const sites: string[] = [];
  for (const src of ctx.srcs) {
    for (const lit of findNodes(src.sf, (n): n is TS.StringLiteral | TS.NoSubstitutionTemplateLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))) {
      if (lit.text !== model) continue;
      sites.push(where(src, lineOf(src.sf, lit.getStart(src.sf))));
      if (rep) set.add(src, { start: lit.getStart(src.sf) + 1, end: lit.getEnd() - 1, text: rep.replacement });
    }
  }
  if (rep) {
    const p = makePatch(set.map, {
      strategy: 'config_change',
      title: `Replace the retired model ${model} with ${rep.replacement}`,
      rationale: `${PROVIDER_NAME[rep.provider]} no longer serves ${model} (model not found); ${rep.replacement} is its current replacement.`,
      specificity: 0.95,
      safety: 0.75,
    });
    if (p) return [p];
    return [{ strategy: 'config_change', title: `Use ${rep.replacement} instead of ${model}`, needsYou: `The script does not name ${model} in its source (it comes from the environment or a config file): set it to ${rep.replacement} there (e.g. the env var that holds the model name) and run again.` }];
  }
  return [
    {
      strategy: 'config_change',
      title: `Use a model that ${PROVIDER_NAME[provider] ?? 'the provider'} serves instead of ${model}`,
      needsYou: `${PROVIDER_NAME[provider] ?? 'The provider'} does not serve model "${model}": pick a current model from ${listUrl} and set it ${sites.length ? `at ${sites.join(', ')}` : 'where the script takes its model name'}.`,
    },
  ];
}

export function auth(ctx: Ctx): HeuristicCandidate[] {
  const provider = providerOf(ctx);
  const env = apiKeyEnv(ctx) ?? KEY_ENV[provider] ?? 'the API key variable';
  const code = ctx.input.failure.providerCode ? ` (${ctx.input.failure.providerCode})` : '';
  const status = ctx.input.failure.status ?? 401;
  const step =
    status === 403
      ? `${PROVIDER_NAME[provider] ?? 'The provider'} refused the key in ${env} with 403${code}: check that this key's project/organization may use the requested model and endpoint at ${KEY_URL[provider] ?? 'the provider console'}, or use a key that may.`
      : `${PROVIDER_NAME[provider] ?? 'The provider'} rejected the API key with ${status}${code}: create a valid key at ${KEY_URL[provider] ?? 'the provider console'} and export it as ${env} (e.g. export ${env}=...) in the shell that runs the agent, then run it again.`;
  return [{ strategy: 'config_change', title: `Set a valid API key in ${env}`, needsYou: step }];
}

export function quota(ctx: Ctx): HeuristicCandidate[] {
  const provider = providerOf(ctx);
  const code = ctx.input.failure.providerCode ? ` (${ctx.input.failure.providerCode})` : '';
  return [
    {
      strategy: 'config_change',
      title: `Restore the quota of ${PROVIDER_NAME[provider] ?? 'the provider'}`,
      needsYou: `${PROVIDER_NAME[provider] ?? 'The provider'} refused the request: the account's quota is used up${code}. Check billing and usage limits at ${BILLING_URL[provider] ?? 'the provider console'}, add credit or raise the limit (or use a key of another project), then run again.`,
    },
  ];
}

/** The "N in the messages, M in the completion" numbers of an OpenAI-style context-length error. */
function contextNumbers(ctx: Ctx): { max: number; prompt: number } | undefined {
  const msg = `${ctx.input.failure.error?.message ?? ''} ${ctx.input.failure.evidence.map((e) => e.detail ?? '').join(' ')}`;
  const max = /maximum context length is (\d+)/i.exec(msg);
  const prompt = /(\d+) (?:tokens )?in the messages/i.exec(msg);
  return max && prompt ? { max: Number(max[1]), prompt: Number(prompt[1]) } : undefined;
}

/** Characters per token assumed when turning a token window into a text budget (English prose and logs: ~3.5-4). */
const CHARS_PER_TOKEN = 3;

/**
 * When the messages are written inline and a message's content is built from a variable (a template literal with
 * interpolations, or an identifier), bound that content: `fitText(content, N)` keeps the beginning and the end. N
 * comes from the provider's error (context window minus room for the reply), else a conservative 16,000.
 */
function fitLongContent(ctx: Ctx, src: Src, msgs: TS.ObjectLiteralElementLike | undefined): HeuristicCandidate | undefined {
  if (!msgs || !ts.isPropertyAssignment(msgs) || !ts.isArrayLiteralExpression(msgs.initializer)) return undefined;
  const nums = contextNumbers(ctx);
  const maxChars = nums ? Math.max(2000, Math.floor((nums.max * 0.6) * CHARS_PER_TOKEN)) : 16_000;
  const edits = new EditSet();
  for (const el of msgs.initializer.elements) {
    if (!ts.isObjectLiteralExpression(el)) continue;
    const role = propertyOf(el, 'role');
    if (role && ts.isPropertyAssignment(role) && ts.isStringLiteralLike(role.initializer) && role.initializer.text === 'system') continue;
    const content = propertyOf(el, 'content');
    if (!content || !ts.isPropertyAssignment(content)) continue;
    const init = content.initializer;
    const built = (ts.isTemplateExpression(init) && init.templateSpans.length > 0) || ts.isIdentifier(init) || ts.isPropertyAccessExpression(init);
    // An already bounded content is a call (fitText(…)), not one of these: running the rules again changes nothing.
    if (!built) continue;
    edits.add(src, { start: init.getStart(src.sf), end: init.getEnd(), text: `${FIT_TEXT.name}(${textOf(src, init)}, ${maxChars})` });
  }
  if (!edits.size) return undefined;
  if (!declaresFunction(src, FIT_TEXT.name)) edits.add(src, appendHelper(src, src.isTs ? FIT_TEXT.ts : FIT_TEXT.js));
  const patch = makePatch(edits.map, {
    strategy: 'code_patch',
    title: `Bound the message built from data to ${maxChars.toLocaleString('en')} characters (its beginning and end)`,
    rationale: `The prompt was longer than the model's context window${nums ? ` (${nums.max} tokens, ${nums.prompt} in the messages)` : ''}. The message that carries the data is cut to fit, keeping its beginning and its end, where logs and documents usually say what matters.`,
    specificity: 0.7,
    safety: 0.6,
  });
  return patch ?? undefined;
}

export function contextOverflow(ctx: Ctx): HeuristicCandidate[] {
  const out: HeuristicCandidate[] = [];
  const near = llmCallNear(ctx);
  const obj = near && requestObject(near.call);
  if (!near || !obj) return out;
  const { src } = near;
  const msgs = propertyOf(obj, 'messages');
  const recorded = Array.isArray(ctx.llm?.messages) ? (ctx.llm.messages as { role?: string }[]).filter((m) => m?.role !== 'system').length : 0;
  const keep = recorded ? Math.max(2, Math.min(20, Math.floor(recorded / 2))) : 12;
  const trim = new EditSet();
  if (msgs && ts.isShorthandPropertyAssignment(msgs)) {
    trim.add(src, { start: msgs.getStart(src.sf), end: msgs.getEnd(), text: `messages: trimMessages(messages, ${keep})` });
  } else if (msgs && ts.isPropertyAssignment(msgs) && (ts.isIdentifier(msgs.initializer) || ts.isPropertyAccessExpression(msgs.initializer))) {
    const init = msgs.initializer;
    trim.add(src, { start: init.getStart(src.sf), end: init.getEnd(), text: `trimMessages(${textOf(src, init)}, ${keep})` });
  }
  if (trim.size) {
    if (!declaresFunction(src, TRIM_MESSAGES.name)) trim.add(src, appendHelper(src, src.isTs ? TRIM_MESSAGES.ts : TRIM_MESSAGES.js));
    const p = makePatch(trim.map, {
      strategy: 'code_patch',
      title: `Trim the conversation before the call (system + last ${keep} messages)`,
      rationale: 'The request was longer than the model\'s context window. Sending the system prompt and only the most recent messages keeps every call within it.',
      specificity: 0.75,
      safety: 0.6,
    });
    if (p) out.push(p);
  }
  const fit = fitLongContent(ctx, src, msgs);
  if (fit) out.push(fit);
  for (const name of ['max_tokens', 'max_completion_tokens']) {
    const p = propertyOf(obj, name);
    if (!p || !ts.isPropertyAssignment(p)) continue;
    const current = numberLiteral(src, p.initializer);
    if (current === undefined) continue;
    const nums = contextNumbers(ctx);
    const target = nums ? Math.max(256, nums.max - nums.prompt - 64) : Math.max(256, Math.floor(current / 2));
    if (target >= current) continue;
    const patch = makePatch(new Map([[src, [{ start: p.initializer.getStart(src.sf), end: p.initializer.getEnd(), text: numberText(target, textOf(src, p.initializer)) }]]]), {
      strategy: 'config_change',
      title: `Lower ${name} from ${current} to ${target}`,
      rationale: `The prompt plus the ${current} tokens reserved for the reply exceeded the context window${nums ? ` (${nums.max} tokens, ${nums.prompt} in the messages)` : ''}; a smaller reply budget fits.`,
      specificity: nums ? 0.85 : 0.6,
      safety: 0.7,
    });
    if (patch) out.push(patch);
  }
  return out;
}
