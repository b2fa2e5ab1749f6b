import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYFRAME_EVERY, ENV, ENV_PREFIX, HOST_OWNED_ENV, parseAgentEnv } from './envProtocol.js';

describe('env protocol', () => {
  it('names every variable with the AGENTTRACE_ prefix, each once', () => {
    const names = Object.values(ENV);
    expect(names.every((n) => n.startsWith(ENV_PREFIX))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(HOST_OWNED_ENV).toContain(ENV.home);
    expect(HOST_OWNED_ENV).not.toContain(ENV.sqliteBinding);
  });

  it('gives the defaults for an empty environment', () => {
    expect(parseAgentEnv({})).toEqual({ offline: false, keyframeEvery: DEFAULT_KEYFRAME_EVERY, locals: true, localsOnExceptions: false, testHooks: false, debug: false });
  });

  it('parses modes, numbers and flags as the SDK and the host always did', () => {
    const env = parseAgentEnv({
      AGENTTRACE_MODE: ' Replay ',
      AGENTTRACE_KEYFRAME_EVERY: '-3',
      AGENTTRACE_LOCALS: 'OFF',
      AGENTTRACE_OFFLINE: 'Yes',
      AGENTTRACE_ID: '  abc ',
      AGENTTRACE_STEP: ' ',
      AGENTTRACE_ON_DIVERGENCE: ' LIVE',
      AGENTTRACE_HOME: ' /tmp/h ',
      AGENTTRACE_JOURNAL: '',
      AGENTTRACE_TEST_HOOKS: 'true',
    });
    expect(env).toMatchObject({ mode: 'replay', keyframeEvery: 1, locals: false, offline: true, replayId: 'abc', onDivergence: 'live', home: '/tmp/h', testHooks: false });
    expect(env.step).toBeUndefined();
    expect(env.journal).toBeUndefined();
    expect(parseAgentEnv({ AGENTTRACE_MODE: 'recording', AGENTTRACE_KEYFRAME_EVERY: '25', AGENTTRACE_DEBUG: '1' })).toMatchObject({ mode: undefined, keyframeEvery: 25, debug: true });
  });
});
