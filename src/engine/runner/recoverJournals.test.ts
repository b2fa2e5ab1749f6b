import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hostFile, journalFile, journalsDir } from '../settings/paths.js';
import { journal, meta, tmpHome } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { writeSidecar, pidAlive } from './hostSidecar.js';
import { JournalTail } from './journalTail.js';
import { recoverJournals } from './recoverJournals.js';

const { open: store } = testStores();

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function liveProcess(): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  cleanup.push(() => c.kill('SIGKILL'));
  return c;
}

function writeJournal(home: string, runId: string, text: string): string {
  fs.mkdirSync(journalsDir(home), { recursive: true });
  const f = journalFile(home, runId);
  fs.writeFileSync(f, text);
  return f;
}

describe('JournalTail', () => {
  it('ingests only complete lines, byte-exact across UTF-8 characters split between reads', () => {
    const home = tmpHome();
    const s = store(home);
    const f = writeJournal(home, 't1', '');
    const tail = new JournalTail(f, s.ingestor('t1'));
    const text = journal({ t: 'run', meta: meta('t1') }, { t: 'ev', seq: 0, kind: 'console', ts: 1, payload: { stream: 'stdout', text: 'héllo → 世界' } });
    const bytes = Buffer.from(text);
    // Append in 7-byte pieces: reads end mid-line and mid-character.
    for (let i = 0; i < bytes.length; i += 7) {
      fs.appendFileSync(f, bytes.subarray(i, i + 7));
      tail.poll();
      expect(tail.offset).toBeLessThanOrEqual(i + 7);
    }
    expect(tail.offset).toBe(bytes.length);
    expect(s.getEvent('t1', 0)?.payload).toEqual({ stream: 'stdout', text: 'héllo → 世界' });
    expect(s.journalOffset('t1')).toBe(bytes.length);
  });

  it('reports a torn tail on the final poll', () => {
    const home = tmpHome();
    const s = store(home);
    const f = writeJournal(home, 't2', journal({ t: 'run', meta: meta('t2') }) + '{"t":"ev","seq":0,"ki');
    new JournalTail(f, s.ingestor('t2')).poll(true);
    expect(s.getRun('t2').warnings).toEqual([expect.stringMatching(/torn last journal line \(21 bytes\)/)]);
  });

  it('ingests a line larger than one read slice', () => {
    const home = tmpHome();
    const s = store(home);
    const big = 'x'.repeat(9 * 1024 * 1024);
    const f = writeJournal(home, 't3', journal({ t: 'run', meta: meta('t3') }, { t: 'ev', seq: 0, kind: 'console', ts: 1, payload: { stream: 'stdout', text: big } }));
    // Start after the run line so the first read slice holds only part of the big line.
    const tail = new JournalTail(f, s.ingestor('t3'));
    tail.poll(true);
    expect((s.getEvent('t3', 0)?.payload as { text: string }).text.length).toBe(big.length);
    expect(tail.offset).toBe(fs.statSync(f).size);
  });
});

describe('recoverJournals', () => {
  const lines = (id: string, pid: number) =>
    journal({ t: 'run', meta: meta(id, { pid }) }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }, { t: 'ev', seq: 1, kind: 'step', ts: 2, payload: { name: 'b' } });

  it('ingests the journal of a dead host and dead agent, marks it crashed and removes the files', () => {
    const home = tmpHome();
    const s = store(home);
    const f = writeJournal(home, 'dead1', lines('dead1', deadPid()));
    writeSidecar(home, { runId: 'dead1', hostPid: deadPid(), startedAt: 1 });
    const report = recoverJournals(s);
    expect(report.recovered).toEqual(['dead1']);
    expect(s.getRun('dead1')).toMatchObject({ status: 'crashed', steps: 2 });
    expect(s.getEvents('dead1')).toHaveLength(2);
    expect(fs.existsSync(f)).toBe(false);
    expect(fs.existsSync(hostFile(home, 'dead1'))).toBe(false);
  });

  it('resumes at the committed offset and keeps the status of an end record', () => {
    const home = tmpHome();
    const s = store(home);
    const first = lines('end1', deadPid());
    const f = writeJournal(home, 'end1', first + journal({ t: 'ev', seq: 2, kind: 'step', ts: 3, payload: { name: 'c' } }, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 50, steps: 3 }));
    // The killed host had committed the first lines only.
    s.ingestor('end1').ingestText(first, Buffer.byteLength(first));
    recoverJournals(s);
    expect(s.getRun('end1')).toMatchObject({ status: 'ok', exitCode: 0, steps: 3, endedAt: 50 });
    expect(s.getEvents('end1').map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(fs.existsSync(f)).toBe(false);
  });

  it('leaves the journal of a live host alone', () => {
    const home = tmpHome();
    const s = store(home);
    const host = liveProcess();
    const f = writeJournal(home, 'live1', lines('live1', deadPid()));
    writeSidecar(home, { runId: 'live1', hostPid: host.pid as number, startedAt: 1 });
    expect(recoverJournals(s).recovered).toEqual([]);
    expect(s.findRun('live1')).toBeUndefined();
    expect(fs.existsSync(f)).toBe(true);
  });

  it('ingests a hostless journal of a running agent partially and keeps it (environment-variable mode)', async () => {
    const home = tmpHome();
    const s = store(home);
    const agent = liveProcess();
    const f = writeJournal(home, 'env1', lines('env1', agent.pid as number));
    expect(recoverJournals(s).partial).toEqual(['env1']);
    expect(s.getRun('env1')).toMatchObject({ status: 'running', steps: 2 });
    expect(fs.existsSync(f)).toBe(true);
    fs.appendFileSync(f, journal({ t: 'ev', seq: 2, kind: 'step', ts: 3, payload: { name: 'c' } }));
    const exited = new Promise<void>((resolve) => agent.once('exit', () => resolve()));
    agent.kill('SIGKILL');
    await exited;
    expect(pidAlive(agent.pid)).toBe(false);
    expect(recoverJournals(s).recovered).toEqual(['env1']);
    expect(s.getRun('env1')).toMatchObject({ status: 'crashed', steps: 3 });
    expect(s.getEvents('env1')).toHaveLength(3);
    expect(fs.existsSync(f)).toBe(false);
  });

  it('keeps a journal it cannot read and reports it', () => {
    const home = tmpHome();
    const s = store(home);
    const f = writeJournal(home, 'new1', journal({ t: 'run', meta: meta('new1', { formatVersion: 42 }) }));
    const report = recoverJournals(s);
    expect(report.failed.map((x) => [x.runId, x.error.code])).toEqual([['new1', 'ATR_TRACE_VERSION']]);
    expect(fs.existsSync(f)).toBe(true);
  });

  it('removes sidecars of dead hosts whose agent never wrote a journal', () => {
    const home = tmpHome();
    const s = store(home);
    fs.mkdirSync(journalsDir(home), { recursive: true });
    writeSidecar(home, { runId: 'gone', hostPid: deadPid(), startedAt: 1 });
    recoverJournals(s);
    expect(fs.existsSync(hostFile(home, 'gone'))).toBe(false);
  });
});
