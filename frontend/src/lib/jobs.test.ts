import { describe, expect, it } from 'vitest';
import {
  asOfError,
  DEFAULT_RUN_PAGE_SIZE,
  describeSchedule,
  detailEntries,
  isFailure,
  jobDescription,
  jobHealth,
  jobRunFiltersToParams,
  nextRun,
  noJobRunFilters,
  outcomeColor,
  outcomeLabel,
  parseJobRunFilters,
  runCounts,
  runDuration,
  runJobVariables,
} from './jobs';

describe('describeSchedule', () => {
  it('names the service’s default schedules in words, in UTC', () => {
    expect(describeSchedule('0 0 2 1 * *')).toBe('Monthly on the 1st at 02:00 UTC');
    expect(describeSchedule('0 10 0 * * *')).toBe('Daily at 00:10 UTC');
    expect(describeSchedule('0 5 * * * *')).toBe('Hourly at :05');
    expect(describeSchedule('0 */15 * * * *')).toBe('Every 15 minutes');
  });

  it('reads seconds, ordinals and every-second schedules', () => {
    expect(describeSchedule('30 0 3 * * *')).toBe('Daily at 03:00:30 UTC');
    expect(describeSchedule('0 0 6 22 * *')).toBe('Monthly on the 22nd at 06:00 UTC');
    expect(describeSchedule('0 0 6 11 * *')).toBe('Monthly on the 11th at 06:00 UTC');
    expect(describeSchedule('0 0 6 23 * *')).toBe('Monthly on the 23rd at 06:00 UTC');
    expect(describeSchedule('0 * * * * *')).toBe('Every minute');
    expect(describeSchedule('*/5 * * * * *')).toBe('Every 5 seconds');
    // With the optional year field.
    expect(describeSchedule('0 5 * * * * *')).toBe('Hourly at :05');
  });

  it('shows what it cannot put in words as the cron itself', () => {
    expect(describeSchedule('0 0 9 * * Mon-Fri')).toBe('Cron 0 0 9 * * Mon-Fri');
    expect(describeSchedule('0 0 9,17 * * *')).toBe('Cron 0 0 9,17 * * *');
    expect(describeSchedule('every day')).toBe('Cron every day');
    expect(describeSchedule('0 99 * * * *')).toBe('Cron 0 99 * * * *');
  });
});

describe('nextRun', () => {
  const at = (iso: string) => new Date(iso);
  it('finds the next tick after now, never now itself', () => {
    expect(nextRun('0 5 * * * *', at('2026-11-22T10:04:59Z'))?.toISOString()).toBe('2026-11-22T10:05:00.000Z');
    expect(nextRun('0 5 * * * *', at('2026-11-22T10:05:00Z'))?.toISOString()).toBe('2026-11-22T11:05:00.000Z');
    expect(nextRun('0 */15 * * * *', at('2026-11-22T10:16:00Z'))?.toISOString()).toBe('2026-11-22T10:30:00.000Z');
    expect(nextRun('0 10 0 * * *', at('2026-11-22T00:10:01Z'))?.toISOString()).toBe('2026-11-23T00:10:00.000Z');
  });

  it('crosses months and years for a monthly run', () => {
    expect(nextRun('0 0 2 1 * *', at('2026-11-22T10:00:00Z'))?.toISOString()).toBe('2026-12-01T02:00:00.000Z');
    expect(nextRun('0 0 2 1 * *', at('2026-12-01T02:00:00Z'))?.toISOString()).toBe('2027-01-01T02:00:00.000Z');
    // A day some months lack is skipped in them.
    expect(nextRun('0 0 0 31 * *', at('2026-04-01T00:00:00Z'))?.toISOString()).toBe('2026-05-31T00:00:00.000Z');
  });

  it('gives up on schedules it cannot read or with a day of the week', () => {
    expect(nextRun('0 0 9 * * Mon', at('2026-11-22T10:00:00Z'))).toBeNull();
    expect(nextRun('nonsense', at('2026-11-22T10:00:00Z'))).toBeNull();
    expect(nextRun('0 0 0 30 2 *', at('2026-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('runs', () => {
  it('labels and colours outcomes, failures and interruptions as failures', () => {
    expect(outcomeLabel('succeeded')).toBe('Succeeded');
    expect(outcomeColor('failed')).toBe('red');
    expect(outcomeColor('interrupted')).toBe('orange');
    expect(outcomeLabel('queued')).toBe('queued');
    expect(outcomeColor('queued')).toBe('gray');
    expect(isFailure('failed')).toBe(true);
    expect(isFailure('interrupted')).toBe(true);
    expect(isFailure('succeeded')).toBe(false);
    expect(isFailure('running')).toBe(false);
  });

  it('measures a run from start to finish', () => {
    expect(runDuration({ startedAt: '2026-11-22T10:00:00Z', finishedAt: '2026-11-22T10:00:01.250Z', outcome: 'succeeded' })).toBe('1.3 s');
    expect(runDuration({ startedAt: '2026-11-22T10:00:00Z', finishedAt: '2026-11-22T10:03:05Z', outcome: 'failed' })).toBe('3 min 5 s');
    expect(runDuration({ startedAt: '2026-11-22T10:00:00Z', finishedAt: null, outcome: 'running' })).toBe('running');
    expect(runDuration({ startedAt: '2026-11-22T10:00:00Z', finishedAt: null, outcome: 'interrupted' })).toBe('—');
  });

  it('says what a run did, leaving out the zeros', () => {
    expect(runCounts({ rowsTouched: 1200, alertsCreated: 1, emailsSent: 2 })).toBe('1,200 rows · 1 alert · 2 emails');
    expect(runCounts({ rowsTouched: 0, alertsCreated: 0, emailsSent: 1 })).toBe('1 email');
    expect(runCounts({ rowsTouched: 0, alertsCreated: 0, emailsSent: 0 })).toBe('nothing to do');
  });

  it('reads a run’s own figures, one level deep', () => {
    expect(detailEntries('{"customers_checked":2,"alerts_raised":0}')).toEqual([
      ['customers checked', '2'],
      ['alerts raised', '0'],
    ]);
    expect(detailEntries('{"surcharged_quarter":"2026-Q3","surcharges":{"charges_created":0,"codes_over_forecast":1}}')).toEqual([
      ['surcharged quarter', '2026-Q3'],
      ['surcharges charges created', '0'],
      ['surcharges codes over forecast', '1'],
    ]);
    expect(detailEntries('{"warned":[60,80],"note":null}')).toEqual([
      ['warned', '[60,80]'],
      ['note', '—'],
    ]);
    expect(detailEntries('not json')).toEqual([['', 'not json']]);
    expect(detailEntries(null)).toEqual([]);
  });
});

describe('jobHealth', () => {
  it('is failing when the latest finished run failed, whatever came before', () => {
    expect(jobHealth([{ outcome: 'failed' }, { outcome: 'succeeded' }])).toEqual({ health: 'failing', failures: 1 });
    expect(jobHealth([{ outcome: 'interrupted' }])).toEqual({ health: 'failing', failures: 1 });
    // A new run of a failing job: still failing until it succeeds.
    expect(jobHealth([{ outcome: 'running' }, { outcome: 'failed' }])).toEqual({ health: 'failing', failures: 1 });
  });

  it('is ok after a success, even with older failures counted', () => {
    expect(jobHealth([{ outcome: 'succeeded' }, { outcome: 'failed' }, { outcome: 'failed' }])).toEqual({ health: 'ok', failures: 2 });
    expect(jobHealth([{ outcome: 'running' }, { outcome: 'succeeded' }])).toEqual({ health: 'running', failures: 0 });
    expect(jobHealth([])).toEqual({ health: 'never', failures: 0 });
  });
});

describe('the run form', () => {
  it('takes an empty as-of day (today) or a real day', () => {
    expect(asOfError('')).toBeNull();
    expect(asOfError(' 2026-11-22 ')).toBeNull();
    expect(asOfError('2026-02-30')).toMatch(/YYYY-MM-DD/);
    expect(asOfError('tomorrow')).toMatch(/YYYY-MM-DD/);
    expect(runJobVariables('retention', '')).toEqual({ name: 'retention', asOf: null });
    expect(runJobVariables('inactivity', ' 2026-12-01')).toEqual({ name: 'inactivity', asOf: '2026-12-01' });
  });

  it('describes the service’s jobs and not others', () => {
    expect(jobDescription('retention')).toMatch(/30 days/);
    expect(jobDescription('something-new')).toBeNull();
  });
});

describe('the run history filters', () => {
  it('round-trip through the query string, naming only what is set', () => {
    const f = { job: 'delivery-time', pageSize: 50 };
    const params = jobRunFiltersToParams(f);
    expect(params.toString()).toBe('job=delivery-time&size=50');
    expect(parseJobRunFilters(params)).toEqual(f);
    expect(jobRunFiltersToParams(noJobRunFilters).toString()).toBe('');
  });

  it('ignores a malformed job name or page size', () => {
    expect(parseJobRunFilters(new URLSearchParams('job=Drop Table&size=7'))).toEqual({ job: null, pageSize: DEFAULT_RUN_PAGE_SIZE });
  });
});
