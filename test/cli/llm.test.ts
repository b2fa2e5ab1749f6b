/** LLM calls through the CLI: the real openai client against the mock server; list totals match what it received. */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, runCli, tmpHome, removeHomes } from './cliHarness.js';

afterAll(removeHomes);

const mock = useMockLlm();

describe('record with LLM calls', () => {
  it('counts llm calls and tokens from the recorded usage', async () => {
    const home = tmpHome();
    const key = 'sk-test-cli-llm-0123456789abcdef';
    const r = await runCli(['record', 'test/agents/cli-llm.mjs'], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: key } });
    expect(r.stderr).toMatch(/Trace recorded/);
    expect(r.code).toBe(0);
    const seen = [...r.stdout.matchAll(/^usage (\d+) (\d+) (\d+)$/gm)].map((m) => m.slice(1).map(Number));
    expect(seen).toHaveLength(2);
    const sum = (i: number): number => seen.reduce((a, u) => a + u[i], 0);

    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(run).toMatchObject({ status: 'ok', llmCalls: 2, promptTokens: sum(0), completionTokens: sum(1), totalTokens: sum(2) });
    expect(run.totalTokens).toBeGreaterThan(0);

    const { events } = await cliJson<{ events: TraceEvent<'llm'>[] }>(['show', run.id, '--json', '--kind', 'llm'], { home });
    expect(events.map((e) => [(e.payload as LlmPayload).model, (e.payload as LlmPayload).stream])).toEqual([
      ['gpt-mock', false],
      ['gpt-mock', true],
    ]);
    expect(JSON.stringify(events)).not.toContain(key);

    const table = await runCli(['list'], { home });
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`cli-llm\\.mjs\\s+ok\\s+\\d+\\s+2\\s+${sum(2)}\\s`));
  });
});
