import { describe, expect, it } from 'vitest';
import { currentAfter, firstPage, nextPage, pageNumber, previousPage, rangeLabel } from './paging';

describe('cursor paging', () => {
  it('walks forward and back through the cursors it has seen', () => {
    let s = firstPage;
    expect(currentAfter(s)).toBeNull();
    s = nextPage(s, 'c20');
    s = nextPage(s, 'c40');
    expect(pageNumber(s)).toBe(3);
    expect(currentAfter(s)).toBe('c40');
    s = previousPage(s);
    expect(currentAfter(s)).toBe('c20');
    s = previousPage(s);
    s = previousPage(s);
    expect(s.afters).toEqual([null]);
  });
  it('stays put without an end cursor', () => {
    expect(nextPage(firstPage, null)).toBe(firstPage);
  });
  it('labels the rows shown', () => {
    expect(rangeLabel(nextPage(firstPage, 'x'), 20, 20)).toBe('21–40');
    expect(rangeLabel(firstPage, 20, 3)).toBe('1–3');
    expect(rangeLabel(firstPage, 20, 0)).toBe('');
  });
});
