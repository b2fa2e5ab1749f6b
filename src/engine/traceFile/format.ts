/**
 * The current trace file format: the version an export writes, the schemas a load validates against after the
 * modernizer chain, and the chain itself. When v3 comes: add v3.ts (frozen), a `modernize_2_to_3` step below,
 * point the aliases at v3, and add a v3 golden fixture beside the v1 and v2 ones (which must keep loading).
 */
import { currentVersion, type FormatChain, type Modernizer } from './modernize.js';
import { MAGIC, type EventRecV1, type KeyframeRecV1, type ManifestRecV1 } from './v1.js';
import { ENCODING_V2, FailureV2, FixReportV2, HeaderV2, RECORD_SCHEMAS_V2, RunV2, V2, type FixRecV2, type RecordV2 } from './v2.js';

/**
 * v1 -> v2: v2 only adds records and an optional field (a run's failure, fix records), so a v1 file is a v2 file
 * without them once its header says 2.
 */
export const modernize_1_to_2: Modernizer = {
  from: 1,
  header: (h) => ({ ...h, version: V2 }),
  record: (r) => [r],
};

/** Oldest version first; steps[i] converts version i+1 to i+2. */
export const TRACE_FILE_CHAIN: FormatChain = { first: 1, steps: [modernize_1_to_2] };

/** The version an export writes: the end of the chain. */
export const TRACE_FILE_VERSION = currentVersion(TRACE_FILE_CHAIN);
export const TRACE_FILE_MAGIC = MAGIC;
export const TRACE_FILE_ENCODING = ENCODING_V2;
export const HeaderSchema = HeaderV2;
export const RECORD_SCHEMAS = RECORD_SCHEMAS_V2;
export const RunSchema = RunV2;
export const FailureSchema = FailureV2;
export const FixReportSchema = FixReportV2;
export type FileRun = RunV2;
export type FileRecordOf = RecordV2;
export type EventRec = EventRecV1;
export type KeyframeRec = KeyframeRecV1;
export type ManifestRec = ManifestRecV1;
export type FixRec = FixRecV2;

/** File extension of trace files. */
export const TRACE_FILE_EXT = '.agenttrace';
