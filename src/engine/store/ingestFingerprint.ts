/**
 * The fingerprint the host adds at ingest to a recorded call whose journal line has none (a body stored inline, or
 * none: see payloadFingerprintInput), hashed exactly as the recorder hashes the others.
 */
import { createHash } from 'node:crypto';
import { payloadFingerprintInput } from '../../shared/trace/fingerprint.js';

/** sha256 of the payload's fingerprint input; undefined when the payload does not carry it. */
export function fingerprintOfPayload(payload: unknown): string | undefined {
  const input = payloadFingerprintInput(payload);
  return input === undefined ? undefined : createHash('sha256').update(input).digest('hex');
}
