import { describe, expect, it } from 'vitest';
import { actionsParams } from './actionsContract.js';
import { CONTRACT_PARAMS, METHOD_NAMES } from './contractParams.js';
import { importParams } from './importContract.js';
import { fixParams } from './fixContract.js';
import { recordParams } from './recordContract.js';
import { runsParams } from './runsContract.js';
import { sourceParams } from './sourceContract.js';

describe('contract parts', () => {
  it('assemble into one map without a method name in two parts', () => {
    const parts = [runsParams, importParams, actionsParams, recordParams, fixParams, sourceParams].map((p) => Object.keys(p));
    expect(METHOD_NAMES).toHaveLength(parts.flat().length);
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });

  it('refuse unknown keys and accept well-formed params', () => {
    expect(CONTRACT_PARAMS.getEvents.safeParse({ runId: 'r1', kinds: ['llm'] }).success).toBe(true);
    expect(CONTRACT_PARAMS.getEvents.safeParse({ runId: 'r1', kind: 'llm' }).success).toBe(false);
    expect(CONTRACT_PARAMS.createBranchAndRun.safeParse({ runId: 'r1', step: 2, edits: [{ seq: 2, payload: { text: 'x' } }] }).success).toBe(true);
    expect(CONTRACT_PARAMS.validateEdit.safeParse({ runId: 'r1', seq: 1 }).success).toBe(false);
    expect(CONTRACT_PARAMS.getSource.safeParse({ runId: 'r1', file: 'file:///a/agent.mjs' }).success).toBe(true);
    expect(CONTRACT_PARAMS.getSource.safeParse({ runId: 'r1', file: '' }).success).toBe(false);
  });
});
