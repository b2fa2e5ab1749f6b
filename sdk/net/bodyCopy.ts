/**
 * A bounded copy of a body as it passes (request bodies written by the agent, streamed request bodies). Beyond the
 * limit the copy is dropped (the agent still sends every byte) and only the size is kept.
 */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

export class BodyCopy {
  private parts: Buffer[] = [];
  size = 0;
  overflow = false;

  constructor(private readonly limit = MAX_CAPTURE_BYTES) {}

  /** Copies a chunk (the caller may reuse its buffer afterwards). */
  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.overflow) return;
    if (this.size > this.limit) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(Buffer.from(chunk));
  }

  /** The copied bytes; null when empty or over the limit. */
  bytes(): Buffer | null {
    if (this.overflow || this.size === 0) return null;
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }
}
