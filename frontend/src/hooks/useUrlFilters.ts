import { useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters kept in the URL's query string, so a filtered view can be linked and reloaded.
 * The router applies a navigation later (in a transition): `update` builds on the latest
 * update, not on the last render's filters, so two changes in a row both take effect.
 */
export function useUrlFilters<T>(
  parse: (params: URLSearchParams) => T,
  toParams: (filters: T) => URLSearchParams,
): [T, (patch: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parse(params), [params, parse]);
  const latest = useRef(filters);
  latest.current = filters;
  const update = (patch: Partial<T>) => {
    latest.current = { ...latest.current, ...patch };
    setParams(toParams(latest.current), { replace: true });
  };
  return [filters, update];
}
