import { describe, expect, it } from 'vitest';
import { queueUpdate, syncWithUrl, type UrlSync } from './useUrlFilters';

describe('syncWithUrl', () => {
  const idle: UrlSync = { seen: 'from=2026-11-01&to=2026-11-30', pending: [] };

  it('takes the URL when no update of its own is waiting', () => {
    expect(syncWithUrl(idle, idle.seen)).toEqual({ state: idle, adopt: true });
    // The back button or a link: another URL than any update made.
    expect(syncWithUrl(idle, 'status=DELIVERED')).toEqual({ state: { seen: 'status=DELIVERED', pending: [] }, adopt: true });
  });

  it('does not undo an update with a render of the URL from before it', () => {
    // Clear the end date, then (before the router applies it) set the start date.
    let s = queueUpdate(idle, 'from=2026-11-01');
    expect(syncWithUrl(s, idle.seen).adopt).toBe(false);
    s = queueUpdate(s, 'from=2026-12-02');
    expect(syncWithUrl(s, idle.seen).adopt).toBe(false);
    // The first navigation applies: still not the last update.
    const first = syncWithUrl(s, 'from=2026-11-01');
    expect(first.adopt).toBe(false);
    expect(first.state.pending).toEqual(['from=2026-12-02']);
    // The last one applies: the URL is ours again.
    expect(syncWithUrl(first.state, 'from=2026-12-02')).toEqual({ state: { seen: 'from=2026-12-02', pending: [] }, adopt: true });
    // Or the router applies only the last one.
    expect(syncWithUrl(s, 'from=2026-12-02').adopt).toBe(true);
  });

  it('waits for nothing after an update to the URL already shown, or set and set back', () => {
    expect(queueUpdate(idle, idle.seen)).toBe(idle);
    const s = queueUpdate(queueUpdate(idle, 'from=2026-11-02'), idle.seen);
    expect(syncWithUrl(s, idle.seen)).toEqual({ state: idle, adopt: true });
  });

  it('gives way to a navigation that is not one of its updates', () => {
    const s = queueUpdate(idle, 'from=2026-11-02');
    expect(syncWithUrl(s, 'number=55501')).toEqual({ state: { seen: 'number=55501', pending: [] }, adopt: true });
  });
});
