/**
 * What every part of the contract is built from: zod params schemas are the one source of each method's params
 * (the dispatcher validates with them at the edge, the API types are inferred from them), results stay plain TS
 * types (the host produces them; nothing validates them on the way back).
 */
import { z } from 'zod';
import type { Json } from '../trace/types.js';

/** A part's params schemas, by method name. Objects are `.strict()`: an unknown key is refused, not ignored. */
export type ParamsSchemaMap = Record<string, z.ZodTypeAny>;

/**
 * The API of a params map and its results: each method takes its schema's params and resolves to its result.
 * Homomorphic, so a method's JSDoc written on its schema entry shows on the API method.
 */
export type ApiOf<P extends ParamsSchemaMap, R extends { [M in keyof P]: unknown }> = {
  [M in keyof P]: (params: z.infer<P[M]>) => Promise<R[M]>;
};

/** A run id (or a branch id). */
export const runId = z.string().min(1).max(500);
/** An event's sequence number, or a step. */
export const seq = z.number().int().min(0);
/** Any JSON value: an edit's shape is checked against its event by normalizeOverride, with a useful message. */
export const json = z.custom<Json>((v) => v !== undefined, { message: 'a JSON value is required' });
