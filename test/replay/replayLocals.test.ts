/**
 * Which replays read locals. A pure replay (verdict only: its journal is dropped) runs the agent without the
 * debugger, which slows every promise; one asked for the locals at its error (AGENTTRACE_LOCALS=exceptions, as
 * errorLocalsReplay asks) reads them there.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordScript } from '../../src/engine/runner/recordScript.js';
import { packageRoot } from '../../src/engine/runner/sdkPaths.js';
import { replayRun } from '../../src/engine/replay/replayRun.js';
import { tmpHome } from '../../src/engine/store/testJournal.js';
import type { ErrorPayload } from '../../src/shared/trace/types.js';
import { testStores } from '../helpers/testStores.js';

const { open } = testStores();
const quiet = (): void => undefined;

describe('locals in replays', () => {
  it('a pure replay reads none (no debugger); one asked for the error locals reads them, as the recording did', async () => {
    const store = open(tmpHome());
    const rec = await recordScript({ script: path.join(packageRoot(), 'test/agents/replay-throw-locals.mjs'), store, onStdout: quiet, onStderr: quiet });
    expect(rec.status).toBe('failed');
    const recorded = store.getEvents(rec.id, { kinds: ['error'] })[0].payload as ErrorPayload;
    const settle = { functionName: 'settle', locals: { total: 12, order: { id: 'A7', items: 3, price: 4 } } };
    expect(recorded.frames?.[0]).toMatchObject(settle);

    const pure = await replayRun({ runId: rec.id, store, onStdout: quiet, onStderr: quiet });
    expect(pure.outcome.kind).toBe('verified');
    expect(pure.error?.payload.message).toBe(recorded.message);
    expect(pure.error?.payload.frames).toBeUndefined();

    const asked = await replayRun({ runId: rec.id, store, env: { ...process.env, AGENTTRACE_LOCALS: 'exceptions' }, onStdout: quiet, onStderr: quiet });
    expect(asked.outcome.kind).toBe('verified');
    expect(asked.error?.payload.frames?.[0]).toMatchObject(settle);
  });
});
