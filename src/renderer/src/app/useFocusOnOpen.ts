import { useEffect } from 'react';

/** How long to wait for the screen's first content (a large run's timeline may take a moment to load). */
const WAIT_MS = 5000;

/**
 * Puts the keyboard focus on the opened screen's main element (`[data-focus-on-open]`, e.g. the timeline) once it
 * appears, so j/k work right after opening a run. Not when the user already moved the focus somewhere.
 */
export function useFocusOnOpen(screenKey: string): void {
  useEffect(() => {
    const started = performance.now();
    let frame = 0;
    const tryFocus = (): void => {
      const active = document.activeElement;
      const free = !active || active === document.body || !active.isConnected;
      if (!free) return;
      const target = document.querySelector<HTMLElement>('[data-focus-on-open]');
      if (target) {
        target.focus();
        return;
      }
      if (performance.now() - started < WAIT_MS) frame = requestAnimationFrame(tryFocus);
    };
    frame = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(frame);
  }, [screenKey]);
}
