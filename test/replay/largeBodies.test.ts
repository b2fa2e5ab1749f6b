/**
 * Bodies over 64 KB (a long conversation, a long reply): the recording's journal carries them inline, and the store
 * keeps each as a content-addressed blob with the call's fingerprint and messages, exactly as it keeps a small body
 * inline; the recorded run replays verified from it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBranch } from '../../src/engine/branches/branches.js';
import { recordScript } from '../../src/engine/runner/recordScript.js';
import { packageRoot } from '../../src/engine/runner/sdkPaths.js';
import { replayRun } from '../../src/engine/replay/replayRun.js';
import { tmpHome } from '../../src/engine/store/testJournal.js';
import { fingerprintInput } from '../../src/shared/trace/fingerprint.js';
import type { BlobRef, LlmPayload } from '../../src/shared/trace/types.js';
import { testStores } from '../helpers/testStores.js';
import { startMockLlm } from '../mock/llmServer.js';

const { open } = testStores();
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

describe('bodies over 64 KB', () => {
  it('are stored as blobs with the fingerprint and messages of the call, and replay verified', async () => {
    const store = open(tmpHome());
    const mock = await startMockLlm();
    const env = { ...process.env, MOCK_URL: mock.url, OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC' };
    let out = '';
    const rec = await recordScript({ script: path.join(packageRoot(), 'test/agents/net-large-bodies.mjs'), store, env, onStdout: (b) => (out += b.toString()), onStderr: () => undefined });
    await mock.close();
    expect(rec.exitCode).toBe(0);
    expect(out).toMatch(/long call 1: \d{5,} chars/);
    const calls = store.getEvents(rec.id, { kinds: ['llm'] });
    expect(calls).toHaveLength(3);
    const [first, second, short] = calls.map((e) => e.payload as LlmPayload);
    // The long request: a blob of the bytes the client sent, deduplicated across the two identical calls.
    const reqRef = first.request.body as BlobRef;
    expect(reqRef).toMatchObject({ encoding: 'utf8' });
    expect(second.request.body).toEqual(reqRef);
    const reqText = store.getBlob(reqRef.blob)!.toString('utf8');
    expect(reqRef).toEqual({ blob: sha(reqText), size: Buffer.byteLength(reqText), encoding: 'utf8' });
    const sent = JSON.parse(reqText) as { messages: { role: string; content: string }[] };
    expect(sent.messages[1].content.length).toBeGreaterThan(80 * 1024);
    // Its messages and fingerprint, derived by the host as for a small body (fingerprint: the recorder's formula).
    expect(first.messages).toEqual(sent.messages);
    expect(calls[0].fingerprint).toBe(sha(fingerprintInput('POST', first.request.url, reqText, JSON.parse(reqText))));
    expect(calls[1].fingerprint).toBe(calls[0].fingerprint);
    // The long reply: a blob too; the reply and usage fields parsed from it.
    const resRef = first.response!.body as BlobRef;
    const resText = store.getBlob(resRef.blob)!.toString('utf8');
    expect(resRef).toEqual({ blob: sha(resText), size: Buffer.byteLength(resText), encoding: 'utf8' });
    expect(first.reply?.content).toBe(`echo: ${sent.messages[1].content}`);
    expect(first.usage?.totalTokens).toBeGreaterThan(0);
    // A small call keeps its inline bodies.
    expect(short.request.body).toEqual({ text: expect.stringContaining('and now briefly') as unknown });
    expect(short.response?.body).toHaveProperty('text');
    expect(short.messages).toEqual([{ role: 'user', content: 'and now briefly' }]);

    // Offline: every call matched by its fingerprint, the same stdout.
    let replayed = '';
    const rep = await replayRun({ runId: rec.id, store, env, onStdout: (b) => (replayed += b.toString()), onStderr: () => undefined });
    expect(rep.outcome.kind).toBe('verified');
    expect(replayed).toBe(out);

    // A branch forked after the first call: the second long call is its own event, stored as the same blob, and the
    // events up to the fork stay its parent's.
    const branch = createBranch(store, { from: rec.id, step: calls[0].seq, name: 'after-first' });
    const ran = await replayRun({ runId: rec.id, branch: branch.id, store, env, offline: true, onStdout: () => undefined, onStderr: () => undefined });
    expect(ran.exit.code).toBe(0);
    const branchCalls = store.getEvents(branch.id, { kinds: ['llm'] });
    expect(branchCalls.map((e) => e.seq)).toEqual(calls.map((e) => e.seq));
    expect((branchCalls[1].payload as LlmPayload).request.body).toEqual(reqRef);
    expect(branchCalls[1].fingerprint).toBe(calls[1].fingerprint);
  });
});
