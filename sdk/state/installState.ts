import type { Recorder } from '../core/recorder.js';

/** TODO(stub): replaced by the real implementation. */
export function installState(rec: Recorder): void {
  void rec;
}
