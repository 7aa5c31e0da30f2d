import { describe, expect, it } from 'vitest';
import { sectionTitle, settingsSections, settingValue } from './settings';

describe('settingsSections', () => {
  it('gives a section per top-level object, nested objects flattened with dotted names', () => {
    const sections = settingsSections({
      smpp: { port: 2775, window: 64 },
      mail: { from: 'ops@example.com', smtp: { host: 'mx', password: '***', port: 587 }, outbox_dir: null },
      database: { url: 'postgres://bo:***@db/bo' },
    });
    expect(sections.map((s) => s.name)).toEqual(['database', 'mail', 'smpp']);
    expect(sections[1]?.entries).toEqual([
      { name: 'from', value: 'ops@example.com', masked: false },
      { name: 'outbox_dir', value: 'not set', masked: false },
      { name: 'smtp.host', value: 'mx', masked: false },
      { name: 'smtp.password', value: '***', masked: true },
      { name: 'smtp.port', value: '587', masked: false },
    ]);
    expect(sections[0]?.entries[0]).toEqual({ name: 'url', value: 'postgres://bo:***@db/bo', masked: true });
  });
  it('gathers top-level values in a general section first, and takes nothing but an object', () => {
    expect(settingsSections({ zone: 'UTC', http: { addr: '0.0.0.0:8080' } }).map((s) => [s.name, s.entries.map((e) => e.name)])).toEqual([
      ['general', ['zone']],
      ['http', ['addr']],
    ]);
    expect(settingsSections(null)).toEqual([]);
    expect(settingsSections([1, 2])).toEqual([]);
  });
  it('shows lists, empty values and empty objects in words', () => {
    expect(settingValue(['US', 'CA'])).toBe('US, CA');
    expect(settingValue([])).toBe('(none)');
    expect(settingValue('')).toBe('(empty)');
    expect(settingValue(false)).toBe('false');
    expect(settingsSections({ jobs: { overrides: {} } })[0]?.entries).toEqual([{ name: 'overrides', value: '(none)', masked: false }]);
  });
  it('titles sections for people', () => {
    expect(sectionTitle('smpp')).toBe('SMPP');
    expect(sectionTitle('rate_limits')).toBe('Rate limits');
    expect(sectionTitle('mail')).toBe('Mail');
    expect(sectionTitle('graphql')).toBe('GraphQL');
  });
});
