/**
 * The whole contract, assembled from its parts: every method's params schema in one map (the dispatcher validates
 * with it) and every method's result type. A new part (e.g. fixContract.ts) is one file exporting its params map,
 * its Results interface and its Api type; it joins the contract with one spread and one `extends` below.
 * Value module (zod): the renderer imports only types from here, through contract.ts.
 */
import { actionsParams, type ActionsResults } from './actionsContract.js';
import { importParams, type ImportResults } from './importContract.js';
import { fixParams, type FixResults } from './fixContract.js';
import { recordParams, type RecordResults } from './recordContract.js';
import { runsParams, type RunsResults } from './runsContract.js';
import { sourceParams, type SourceResults } from './sourceContract.js';

/** Every method's params schema, by name. */
export const CONTRACT_PARAMS = { ...runsParams, ...importParams, ...actionsParams, ...recordParams, ...fixParams, ...sourceParams };

/** Every method's result type, by name. */
export interface ContractResults extends RunsResults, ImportResults, ActionsResults, RecordResults, FixResults, SourceResults {}

/** The method names a dispatcher accepts; anything else is refused with ATR_UNKNOWN_METHOD. */
export const METHOD_NAMES = Object.keys(CONTRACT_PARAMS) as (keyof typeof CONTRACT_PARAMS)[];
