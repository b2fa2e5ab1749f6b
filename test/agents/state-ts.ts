// A TypeScript agent (run through tsx): tracked state and a snapshot with typed locals.
import { snapshot, step, track } from 'agenttrace/sdk';

interface Memory {
  turns: number;
  history: string[];
}

const memory: Memory = track('memory', { turns: 0, history: [] });

function think(prompt: string): string {
  const thought: string = `thinking about ${prompt}`;
  memory.turns += 1;
  memory.history.push(thought);
  snapshot('ts-checkpoint');
  return thought;
}

const out = step('think', { prompt: 'typescript' }, () => think('typescript'));
console.log('OUT', out, JSON.stringify(memory));
