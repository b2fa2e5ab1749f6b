/**
 * The host sidecar (`journals/<id>.host.json`): written by the runner before it spawns the agent, removed after the
 * final ingest. While its host process is alive, crash recovery leaves that journal to the host; once the host is
 * gone (SIGKILL, power cut), any later store open recovers it.
 */
import fs from 'node:fs';
import { hostFile } from '../settings/paths.js';

export interface HostSidecar {
  runId: string;
  hostPid: number;
  startedAt: number;
}

export function writeSidecar(home: string, s: HostSidecar): void {
  fs.writeFileSync(hostFile(home, s.runId), JSON.stringify(s) + '\n');
}

export function readSidecar(home: string, runId: string): HostSidecar | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(hostFile(home, runId), 'utf8')) as HostSidecar;
    return typeof v?.hostPid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Leftover files are harmless: recovery removes them on a later store open.
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number | undefined | null): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A killed orphan stays a zombie until its new parent reaps it, and in containers PID 1 often never does; signal 0
 * still succeeds on a zombie, so on Linux read its state ('Z') to treat it as the dead process it is.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
