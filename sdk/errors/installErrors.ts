import type { Recorder } from '../core/recorder.js';

/** TODO(stub): replaced by the real implementation. */
export function installErrors(rec: Recorder): void {
  void rec;
}
