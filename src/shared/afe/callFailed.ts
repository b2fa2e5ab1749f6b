/**
 * The one test of "this recorded call failed", shared by failure detection (engine/afe/callFacts.ts) and the journal
 * ingestor's failure signs (engine/store/ingest.ts), so the ingestor's shortcut can never miss a call detection counts.
 */

/** True for an llm/http payload (or a response patch of one) with an error, or a response status of 400 or more. */
export function callFailed(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object') return false;
  const p = payload as { error?: unknown; response?: { status?: number } | null };
  if (p.error) return true;
  const status = p.response?.status;
  return status !== undefined && !(status < 400);
}
