import { useEffect, useRef } from 'react';

/**
 * Calls `tick` every `ms` while `enabled`, skipping ticks while the tab is hidden (nobody is
 * looking, and a background tab's timers are throttled anyway). The latest `tick` is called,
 * so it may close over fresh state without restarting the timer.
 */
export function usePolling(tick: () => void, ms: number, enabled: boolean): void {
  const latest = useRef(tick);
  useEffect(() => {
    latest.current = tick;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const id = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') latest.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms, enabled]);
}
