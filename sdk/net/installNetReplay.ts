/**
 * Network replay: recorded responses for every HTTP call, matched by `fingerprint#occurrence`, completed in the
 * recorded arrival order, with a socket kill switch so nothing reaches the network unless the replay is live.
 * The replay is recorded by the recording code itself (installNet's hooks sit between the client and the replay
 * layers), so the replay's journal has the same `llm`/`http` events, fingerprints and response patches as a live run.
 */
import type { ReplayControl } from '../replay/replayControl.js';
import { installNet } from './installNet.js';
import { installKillSwitch } from './killSwitch.js';
import { ReplayNet } from './replayContext.js';
import { installReplayHttp } from './replayHttp.js';
import { installReplayUndici } from './replayUndici.js';

const UNDICI_GLOBAL = Symbol.for('undici.globalDispatcher.1');

/**
 * Installs network replay for this process. Call it after installNet(ctl.rec) — or instead of it: when the
 * recording hooks are not installed yet, it installs them first (they must sit inside the replay layers).
 * Throws when the kill switch cannot be installed (the replay must then not start: it could reach the network).
 * A replay layer that cannot be installed is reported once (`agenttrace:` line); the kill switch still keeps that
 * layer's traffic off the network (its calls end as `network-blocked` divergences).
 */
export function installNetReplay(ctl: ReplayControl): void {
  const rec = ctl.rec;
  const rnet = new ReplayNet(ctl);
  // First, so that nothing installed below can open a connection before it is in place.
  installKillSwitch({ isLive: () => rnet.liveNow(), blocked: (err) => rnet.blocked(err) });
  // installNet's undici hook always defines the global dispatcher slot; its absence means installNet did not run.
  if (Object.getOwnPropertyDescriptor(globalThis, UNDICI_GLOBAL) === undefined) installNet(rec);
  try {
    installReplayUndici(rnet);
  } catch (e) {
    rec.fault('fetch replay', e);
  }
  try {
    installReplayHttp(rnet);
  } catch (e) {
    rec.fault('http replay', e);
  }
}
