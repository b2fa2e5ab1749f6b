/**
 * Words of a detected failure: the one-sentence summary per class and the short labels of frames and events used
 * in evidence lines. Pure.
 */
import path from 'node:path';
import type { FailureClass, UserFrame } from '../../shared/afe/types.js';
import type { CallFailure } from './callFacts.js';

/** `summarize (agents/x.mjs:8)`, the file relative to the run's folder when it is inside it. */
export function frameLabel(f: UserFrame, cwd: string): string {
  return `${f.functionName} (${displayPath(f.file, cwd)}:${f.line})`;
}

export function displayPath(file: string, cwd: string): string {
  if (!cwd) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

const hostOf = (url: string): string => /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? url;

/** The summary of a provider/network failure class, from the failing call. */
export function callSummary(cls: FailureClass, f: CallFailure, attempts: number, where: string): string {
  const call = `the ${f.kind === 'llm' ? 'LLM' : 'HTTP'} call at step ${f.seq}${f.model ? ` (${f.model})` : ''}`;
  const got = f.status !== undefined ? `${f.status}${f.providerCode ? ` ${f.providerCode}` : ''}` : (f.netError?.code ?? f.netError?.name ?? 'a network error');
  switch (cls) {
    case 'rate_limit':
      return `Rate limited: ${attempts > 1 ? `all ${attempts} attempts of ` : ''}${call} got ${got}${f.retryAfter ? ` (retry-after ${f.retryAfter})` : ''} and the client gave up${where}.`;
    case 'quota':
      return `Quota exhausted: ${call} got ${got}: the account behind the API key has no credit left${where}.`;
    case 'auth':
      return `Authentication failed: ${call} got ${got}: the API key was rejected${where}.`;
    case 'model_not_found':
      return `Model not available: ${call} got ${got}${f.model ? `: ${f.model} does not exist or was decommissioned` : ''}${where}.`;
    case 'server_error':
      return `Provider server error: ${call} got ${got}${attempts > 1 ? ` on all ${attempts} attempts` : ' and was not retried'}${where}.`;
    case 'timeout':
      return `Timed out: ${call} ${f.status !== undefined ? `got ${got}` : `${f.pending ? 'was given up' : 'was aborted'} after ${Math.round(f.durationMs ?? 0)} ms without a response`}${where}.`;
    case 'network':
      return `Network failure: ${call} could not reach ${hostOf(f.url)} (${got})${where}.`;
    case 'context_overflow':
      return `Context overflow: the prompt of ${call} is longer than the model's context window (${got})${where}.`;
    default:
      return `${call[0].toUpperCase()}${call.slice(1)} failed with ${got}${where}.`;
  }
}

/** Evidence label of an error: `TypeError: Cannot read properties of undefined (reading 'temp_c')`. */
export function errorLabel(e: { name: string; message: string }): string {
  const msg = e.message.split('\n')[0];
  return msg.length > 240 ? `${e.name}: ${msg.slice(0, 240)}…` : `${e.name}: ${msg}`;
}
