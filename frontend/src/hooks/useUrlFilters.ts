import { useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';

/**
 * What the hook remembers between renders: the query string it last saw, and the query strings
 * of its own updates the router has not applied yet, oldest first.
 */
export interface UrlSync {
  seen: string;
  pending: string[];
}

/**
 * Whether a render should take its filters from the URL (`adopt`), or keep building on the
 * hook's own newer updates. The router applies a navigation later (in a transition), so a
 * render can still show the URL from before an update: adopting it then would undo the update
 * when a second one follows (clear the end date, then set the start date: the end date came
 * back). The URL is adopted when it changed to the last update of ours, or to something no
 * update of ours made (the back button, a link).
 */
export function syncWithUrl(state: UrlSync, key: string): { state: UrlSync; adopt: boolean } {
  if (key === state.seen) {
    // Updates that ended where the URL already was (set, then set back) leave nothing to wait for.
    if (state.pending[state.pending.length - 1] === key) return { state: { seen: key, pending: [] }, adopt: true };
    return { state, adopt: state.pending.length === 0 };
  }
  const i = state.pending.indexOf(key);
  if (i === -1) return { state: { seen: key, pending: [] }, adopt: true };
  const pending = state.pending.slice(i + 1);
  return { state: { seen: key, pending }, adopt: pending.length === 0 };
}

/** The state after an update of ours to `key`; an update to the URL already shown waits for nothing. */
export function queueUpdate(state: UrlSync, key: string): UrlSync {
  if (state.pending.length === 0 && key === state.seen) return state;
  return { ...state, pending: [...state.pending, key] };
}

/**
 * Filters kept in the URL's query string, so a filtered view can be linked and reloaded.
 * `update` builds on the latest update, not on the last render's filters, so two changes in a
 * row both take effect (see `syncWithUrl`).
 */
export function useUrlFilters<T>(
  parse: (params: URLSearchParams) => T,
  toParams: (filters: T) => URLSearchParams,
): [T, (patch: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parse(params), [params, parse]);
  const latest = useRef(filters);
  const sync = useRef<UrlSync>({ seen: params.toString(), pending: [] });
  const step = syncWithUrl(sync.current, params.toString());
  sync.current = step.state;
  if (step.adopt) latest.current = filters;
  const update = (patch: Partial<T>) => {
    latest.current = { ...latest.current, ...patch };
    const next = toParams(latest.current);
    sync.current = queueUpdate(sync.current, next.toString());
    setParams(next, { replace: true });
  };
  return [step.adopt ? filters : latest.current, update];
}
