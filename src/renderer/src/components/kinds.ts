import type { EventKind } from '../../../shared/trace/types';

/** Short badge text per event kind (text, not icon fonts: it renders the same everywhere). */
export const KIND_BADGE: Record<EventKind, string> = {
  llm: 'LLM',
  http: 'HTTP',
  random: 'RAND',
  time: 'TIME',
  crypto: 'CRYPT',
  fs: 'FS',
  console: 'LOG',
  step: 'STEP',
  tool: 'TOOL',
  state: 'STATE',
  error: 'ERR',
  exit: 'EXIT',
};

export const KIND_LABEL: Record<EventKind, string> = {
  llm: 'LLM calls',
  http: 'HTTP',
  random: 'Random',
  time: 'Clock',
  crypto: 'Crypto',
  fs: 'Files',
  console: 'Console',
  step: 'Steps',
  tool: 'Tools',
  state: 'State',
  error: 'Errors',
  exit: 'Exit',
};
