import { useState } from 'react';
import { firstPage, type PageState } from '../lib/paging';

/**
 * The page of a list that belongs to one set of filters: when `key` (the filters and page
 * size, serialised) changes, the list starts again at the first page.
 */
export function usePageFor(key: string): [PageState, (page: PageState) => void] {
  const [paging, setPaging] = useState<{ key: string; page: PageState }>({ key, page: firstPage });
  const page = paging.key === key ? paging.page : firstPage;
  return [page, (p: PageState) => setPaging({ key, page: p })];
}
