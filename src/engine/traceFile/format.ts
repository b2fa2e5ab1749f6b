/**
 * The current trace file format: the version an export writes, the schemas a load validates against after the
 * modernizer chain, and the chain itself. When v2 comes: add v2.ts (frozen), a `modernize_1_to_2` step below,
 * point the aliases at v2, and add a v2 golden fixture beside the v1 ones (which must keep loading).
 */
import { currentVersion, type FormatChain } from './modernize.js';
import { ENCODING_V1, HeaderV1, MAGIC, RECORD_SCHEMAS_V1, type RecordV1, type RunV1, type EventRecV1, type KeyframeRecV1, type ManifestRecV1 } from './v1.js';

/** Oldest version first; steps[i] converts version i+1 to i+2. Empty while only version 1 exists. */
export const TRACE_FILE_CHAIN: FormatChain = { first: 1, steps: [] };

/** The version an export writes: the end of the chain. */
export const TRACE_FILE_VERSION = currentVersion(TRACE_FILE_CHAIN);
export const TRACE_FILE_MAGIC = MAGIC;
export const TRACE_FILE_ENCODING = ENCODING_V1;
export const HeaderSchema = HeaderV1;
export const RECORD_SCHEMAS = RECORD_SCHEMAS_V1;
export type FileRun = RunV1;
export type FileRecordOf = RecordV1;
export type EventRec = EventRecV1;
export type KeyframeRec = KeyframeRecV1;
export type ManifestRec = ManifestRecV1;

/** File extension of trace files. */
export const TRACE_FILE_EXT = '.agenttrace';
