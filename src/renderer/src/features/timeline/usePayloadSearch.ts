import { useEffect, useState } from 'react';
import type { SearchHit, SearchResult } from '../../../../shared/rpc/contract';
import { errorText } from '../format';

export interface PayloadSearch {
  status: 'idle' | 'searching' | 'ready' | 'error';
  hits: SearchHit[];
  bySeq: Map<number, SearchHit>;
  more: boolean;
  error?: string;
}

const IDLE: PayloadSearch = { status: 'idle', hits: [], bySeq: new Map(), more: false };
/** Typing pauses this long before the store is asked (one query per word typed, not per key). */
const DEBOUNCE_MS = 180;
/** Shorter text matches too much to be useful as a prefix search. */
const MIN_CHARS = 2;

/**
 * Full-text search of the run's payloads for the find box (the store's FTS index, see searchEvents): the hits of
 * the latest query; a newer query discards the answer of an older one. Re-asked when `generation` changes (a live run
 * grew).
 */
export function usePayloadSearch(search: ((query: string) => Promise<SearchResult>) | undefined, query: string, generation = 0): PayloadSearch {
  const [state, setState] = useState<PayloadSearch & { query: string }>({ ...IDLE, query: '' });
  const q = query.trim();
  useEffect(() => {
    if (!search || q.length < MIN_CHARS) return;
    let live = true;
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, status: 'searching', query: q }));
      search(q).then(
        (r) => live && setState({ status: 'ready', hits: r.hits, bySeq: new Map(r.hits.map((h) => [h.seq, h])), more: r.more, query: q }),
        (e: unknown) => live && setState({ ...IDLE, status: 'error', error: errorText(e), query: q }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search, q, generation]);
  if (!search || q.length < MIN_CHARS) return IDLE;
  // Hits of another query are never shown for this one.
  return state.query === q ? state : { ...IDLE, status: 'searching' };
}
