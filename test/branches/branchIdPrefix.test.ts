/**
 * Branch ids written with an abbreviated trace id (`3f2a__terse`, as in the README) work in every command that
 * takes a run or branch id; an ambiguous abbreviation names the candidates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/engine/store/store.js';
import { journal, meta } from '../../src/engine/store/testJournal.js';
import { removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { cli, recordAgent, showJson } from './branchHarness.js';

afterAll(removeHomes);

describe('branch ids with a short trace id', () => {
  it('branch edit, show and delete accept <prefix>__<name>', async () => {
    const home = tmpHome();
    const rec = await recordAgent(home, 'branch-random.mjs', {});
    const { events } = await showJson(home, rec.id);
    const roll = events.find((e) => e.kind === 'random')!.seq;
    await cli(home, ['branch', 'create', rec.id.slice(0, 4), '--step', String(roll), '--name', 'terse']);
    const short = `${rec.id.slice(0, 4)}__terse`;
    const edit = await cli(home, ['branch', 'edit', short, '--event', String(roll), '--payload', '{"value": 0.25}']);
    expect(edit.stdout).toContain(`${rec.id}__terse`);
    const shown = await showJson(home, short);
    expect(shown.run.id).toBe(`${rec.id}__terse`);
    expect(Object.keys(shown.run.overrides ?? {})).toEqual([String(roll)]);
    const run = await cli(home, ['replay', rec.id.slice(0, 6), '--branch', short, '--offline']);
    expect(run.stdout).toMatch(/^roll 0\.25\npath: low\n/);

    const missing = await runCli(['branch', 'edit', `${rec.id.slice(0, 4)}__nope`, '--event', String(roll), '--payload', '{"value": 1}'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^agenttrace: no branch [0-9a-f]{4}__nope \(list the branches/);
  }, 120_000);

  it('an ambiguous trace prefix is reported with the candidates', async () => {
    const home = tmpHome();
    const s = openStore({ home, env: {} });
    for (const id of ['ab12-one', 'ab34-two']) s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id) }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }));
    for (const parent of ['ab12-one', 'ab34-two']) {
      const id = `${parent}__terse`;
      s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id, { parentId: parent, forkSeq: 0 }) }));
    }
    s.close();
    const amb = await runCli(['show', 'ab__terse'], { home });
    expect(amb.code).toBe(1);
    expect(amb.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(amb.stderr).toMatch(/id prefix "ab" matches 4 runs: ab12-one, ab12-one__terse, ab34-two, ab34-two__terse \(type more characters/);
    const one = await runCli(['show', 'ab3__terse', '--json'], { home });
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).run.id).toBe('ab34-two__terse');
  });
});
