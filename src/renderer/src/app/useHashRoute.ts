import { useCallback, useEffect, useState } from 'react';
import { formatRoute, parseRoute, type Route } from './route';

export type Navigate = (route: Route, opts?: { replace?: boolean }) => void;

/**
 * The current route and a navigate function. Selecting another step replaces the history entry (j/k must not
 * flood the back button); opening a screen pushes one. The query (which carries the token) is kept.
 */
export function useHashRoute(): [Route, Navigate] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const sync = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', sync);
    window.addEventListener('popstate', sync);
    return () => {
      window.removeEventListener('hashchange', sync);
      window.removeEventListener('popstate', sync);
    };
  }, []);
  const navigate = useCallback<Navigate>((next, opts) => {
    const url = `${window.location.pathname}${window.location.search}${formatRoute(next)}`;
    if (opts?.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setRoute(next);
  }, []);
  return [route, navigate];
}
