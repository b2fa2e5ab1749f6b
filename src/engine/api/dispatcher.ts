/**
 * The contract dispatcher shared by every transport (Electron IPC, HTTP/WebSocket, in-memory): accepts only the
 * listed methods, validates params at the edge with zod (strict: unknown keys are refused, so a typo is an error
 * instead of a silently ignored option), and turns every failure into an RpcResult error value.
 */
import { z } from 'zod';
import { EVENT_KINDS } from '../../shared/model/eventSummary.js';
import { RPC_ERROR } from '../../shared/errors.js';
import { METHOD_NAMES, type MethodName, type RpcResult, type WorkbenchApi } from '../../shared/rpc/contract.js';
import type { EventKind } from '../../shared/trace/types.js';
import { AtrError } from '../errors.js';
import { actionParamsSchemas } from './actions.js';
import { importParamsSchemas } from './importApi.js';
import { recordParamsSchemas } from './recordApi.js';

const runId = z.string().min(1).max(500);
const seq = z.number().int().min(0);
const kind = z.enum(EVENT_KINDS as [EventKind, ...EventKind[]]);

const paramsSchemas: { [M in MethodName]: z.ZodType<Parameters<WorkbenchApi[M]>[0]> } = {
  listRuns: z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      offset: z.number().int().min(0).optional(),
      query: z.string().max(200).optional(),
    })
    .strict(),
  getRun: z.object({ runId }).strict(),
  getRunTree: z.object({ runId }).strict(),
  getEvents: z
    .object({
      runId,
      from: seq.optional(),
      limit: z.number().int().min(1).max(5000).optional(),
      kinds: z.array(kind).max(EVENT_KINDS.length).optional(),
    })
    .strict(),
  getEvent: z.object({ runId, seq }).strict(),
  getStateAt: z.object({ runId, seq }).strict(),
  getConsole: z.object({ runId, toSeq: seq.optional(), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
  getFile: z.object({ runId, seq, path: z.string().min(1).max(4096) }).strict(),
  ...importParamsSchemas,
  ...actionParamsSchemas,
  ...recordParamsSchemas,
};

export type Dispatch = (method: string, params: unknown) => Promise<RpcResult<unknown>>;

export function createDispatcher(api: WorkbenchApi): Dispatch {
  return async (method, params) => {
    if (typeof method !== 'string' || !(METHOD_NAMES as readonly string[]).includes(method)) {
      return { ok: false, error: { code: RPC_ERROR.unknownMethod, message: `unknown method: ${String(method)}` } };
    }
    const name = method as MethodName;
    const parsed = paramsSchemas[name].safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(root)';
      return { ok: false, error: { code: RPC_ERROR.badParams, message: `invalid params for ${name}: ${where} ${issue?.message ?? ''}`.trim(), data: { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path, message: i.message })) } } };
    }
    try {
      const fn = api[name] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: await fn.call(api, parsed.data) };
    } catch (e) {
      if (e instanceof AtrError) return { ok: false, error: e.toErrorJson() };
      return { ok: false, error: { code: RPC_ERROR.internal, message: e instanceof Error ? e.message : String(e) } };
    }
  };
}
