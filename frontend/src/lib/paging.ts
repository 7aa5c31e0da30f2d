// Forward-only cursor connections, paged both ways: the cursors of the pages already seen are
// kept, so "previous" goes back to the `after` that produced the page before.

export interface PageState {
  /** `after` of each page seen; the first page has `null`. */
  afters: (string | null)[];
}

export const firstPage: PageState = { afters: [null] };

export function currentAfter(s: PageState): string | null {
  return s.afters[s.afters.length - 1] ?? null;
}

export function pageNumber(s: PageState): number {
  return s.afters.length;
}

export function nextPage(s: PageState, endCursor: string | null | undefined): PageState {
  if (!endCursor) return s;
  return { afters: [...s.afters, endCursor] };
}

export function previousPage(s: PageState): PageState {
  return s.afters.length > 1 ? { afters: s.afters.slice(0, -1) } : s;
}

/** "21–40" for the second page of 20 holding 20 rows; "" for an empty page. */
export function rangeLabel(s: PageState, pageSize: number, rows: number): string {
  if (rows === 0) return '';
  const start = (pageNumber(s) - 1) * pageSize + 1;
  return `${start}–${start + rows - 1}`;
}
