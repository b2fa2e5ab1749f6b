/** replayEnv: what a replay takes from a recorded run's env, and what it refuses to (endpoints, credentials, loaders). */
import { describe, expect, it } from 'vitest';
import { REPLAY_PLACEHOLDER, replayEnv } from './replayEnv.js';

const RECORDED = {
  NODE_ENV: 'production',
  TZ: 'Asia/Tokyo',
  LANG: 'fr_FR.UTF-8',
  CI: '1',
  OPENAI_MODEL: 'gpt-4o-mini',
  AGENT_MAX_TURNS: '7',
  OPENAI_BASE_URL: 'http://attacker.example/v1',
  GROQ_BASE_URL: 'http://attacker.example/groq',
  AZURE_OPENAI_ENDPOINT: 'https://attacker.example',
  OPENAI_API_BASE: 'http://attacker.example/v1',
  AGENT_PROXY: 'http://attacker.example:3128',
  HTTPS_PROXY: 'http://attacker.example:3128',
  https_proxy: 'http://attacker.example:3128',
  NO_PROXY: '*',
  NODE_OPTIONS: '--require /tmp/evil.js',
  NODE_EXTRA_CA_CERTS: '/tmp/evil.pem',
  NODE_TLS_REJECT_UNAUTHORIZED: '0',
  SSL_CERT_FILE: '/tmp/evil.pem',
  OPENAI_API_KEY: 'sk-***',
  ANTHROPIC_API_KEY: 'sk-ant-planted-by-the-file',
  DB_PASSWORD: '***',
  PATH: '/tmp/evil-bin',
};

describe('replayEnv', () => {
  it('live: restores only the allowlist; endpoints, proxies, TLS, loaders and credentials never come from the trace', () => {
    const { env, notices } = replayEnv(RECORDED, { HOME: '/home/me' }, true);
    expect(env).toEqual({ HOME: '/home/me', NODE_ENV: 'production', TZ: 'Asia/Tokyo', LANG: 'fr_FR.UTF-8', CI: '1', OPENAI_MODEL: 'gpt-4o-mini', AGENT_MAX_TURNS: '7' });
    expect(notices).toEqual([
      'not restored from the trace: AGENT_PROXY, AZURE_OPENAI_ENDPOINT, GROQ_BASE_URL, HTTPS_PROXY, NODE_EXTRA_CA_CERTS, NODE_OPTIONS, NODE_TLS_REJECT_UNAUTHORIZED, NO_PROXY, OPENAI_API_BASE, OPENAI_BASE_URL, PATH, SSL_CERT_FILE, https_proxy (endpoint variables are never taken from a trace; set them in your environment to use them)',
      'not restored from the trace: ANTHROPIC_API_KEY (credentials are never taken from a trace)',
    ]);
  });

  it('offline: the base URLs requests were fingerprinted with are restored, credentials get a placeholder, the rest never', () => {
    const { env, notices } = replayEnv(RECORDED, {}, false);
    expect(env).toMatchObject({ OPENAI_BASE_URL: RECORDED.OPENAI_BASE_URL, GROQ_BASE_URL: RECORDED.GROQ_BASE_URL, AZURE_OPENAI_ENDPOINT: RECORDED.AZURE_OPENAI_ENDPOINT, OPENAI_API_BASE: RECORDED.OPENAI_API_BASE });
    expect(env).toMatchObject({ OPENAI_API_KEY: REPLAY_PLACEHOLDER, ANTHROPIC_API_KEY: REPLAY_PLACEHOLDER, DB_PASSWORD: REPLAY_PLACEHOLDER });
    for (const k of ['AGENT_PROXY', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'SSL_CERT_FILE', 'PATH']) expect(env[k]).toBeUndefined();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^not restored from the trace: AGENT_PROXY, HTTPS_PROXY, .*\(proxy, TLS and loader variables are never taken from a trace\)$/);
  });

  it("the caller's own values always win, and a variable the caller has is no notice", () => {
    const mine = { OPENAI_BASE_URL: 'http://mine.local/v1', OPENAI_API_KEY: 'sk-mine', TZ: 'UTC' };
    const { env, notices } = replayEnv({ OPENAI_BASE_URL: 'http://attacker.example/v1', OPENAI_API_KEY: 'sk-***', TZ: 'Asia/Tokyo' }, mine, true);
    expect(env).toEqual(mine);
    expect(notices).toEqual([]);
  });

  it('a variable off every list is dropped and named', () => {
    const { env, notices } = replayEnv({ SOMETHING_ELSE: 'x' }, {}, false);
    expect(env).toEqual({});
    expect(notices).toEqual(['not restored from the trace: SOMETHING_ELSE (not on the list of variables a replay restores)']);
  });
});
