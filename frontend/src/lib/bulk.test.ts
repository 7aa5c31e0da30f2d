import { describe, expect, it } from 'vitest';
import {
  countsByState,
  fileProblem,
  isLive,
  parseRowState,
  progressPercent,
  progressSegments,
  sendLabel,
  splitProblem,
} from './bulk';

describe('fileProblem', () => {
  it('takes the spreadsheets the service reads, whatever the case of the extension', () => {
    for (const name of ['rows.csv', 'Rows.XLSX', 'old.xls', 'calc.ods']) expect(fileProblem({ name, size: 10 })).toBeNull();
  });
  it('refuses other files, empty files and files over 20 MiB, naming the file', () => {
    expect(fileProblem(null)).toBe('Choose a spreadsheet.');
    expect(fileProblem({ name: 'rows.txt', size: 10 })).toMatch(/^rows\.txt is not a spreadsheet/);
    expect(fileProblem({ name: 'csv', size: 10 })).toMatch(/not a spreadsheet/);
    expect(fileProblem({ name: 'rows.csv', size: 0 })).toBe('rows.csv is empty.');
    expect(fileProblem({ name: 'big.xlsx', size: 20 * 1024 * 1024 })).toBeNull();
    expect(fileProblem({ name: 'big.xlsx', size: 20 * 1024 * 1024 + 1 })).toMatch(/over 20 MiB/);
  });
});

describe('splitProblem', () => {
  it('splits the column the service names from its reason', () => {
    expect(splitProblem('destination: not a phone number: not-a-number')).toEqual({
      field: 'destination',
      reason: 'not a phone number: not-a-number',
    });
    expect(splitProblem('First Name: empty merge field')).toEqual({ field: 'First Name', reason: 'empty merge field' });
  });
  it('keeps a problem without a column whole', () => {
    expect(splitProblem('no rate in force')).toEqual({ field: null, reason: 'no rate in force' });
    expect(splitProblem('  +1 (206): odd  ')).toEqual({ field: null, reason: '+1 (206): odd' });
  });
});

describe('progressSegments', () => {
  it('gives each state with rows its share of the batch, finished states first', () => {
    const segments = progressSegments(
      [
        { state: 'PENDING', count: 2 },
        { state: 'SENT', count: 1 },
        { state: 'SKIPPED', count: 1 },
        { state: 'FAILED', count: 0 },
      ],
      4,
    );
    expect(segments.map((s) => [s.state, s.count, s.percent])).toEqual([
      ['SENT', 1, 25],
      ['SKIPPED', 1, 25],
      ['PENDING', 2, 50],
    ]);
    expect(segments[0]?.label).toBe('Sent: 1');
  });
  it('totals the counts when the batch size is not given, and gives nothing for an empty batch', () => {
    expect(progressSegments([{ state: 'SENT', count: 3 }, { state: 'CANCELLED', count: 1 }]).map((s) => s.percent)).toEqual([75, 25]);
    expect(progressSegments([])).toEqual([]);
    expect(progressSegments([{ state: 'SENT', count: 0 }], 0)).toEqual([]);
  });
  it('adds up counts given twice for one state', () => {
    expect(countsByState([{ state: 'SENT', count: 2 }, { state: 'SENT', count: 1 }])).toMatchObject({ SENT: 3, PENDING: 0 });
  });
});

describe('progressPercent', () => {
  it('rounds down so only a finished batch reads 100%', () => {
    expect(progressPercent(0)).toBe('0%');
    expect(progressPercent(0.999)).toBe('99%');
    expect(progressPercent(0.29)).toBe('29%');
    expect(progressPercent(1)).toBe('100%');
    expect(progressPercent(1.2)).toBe('100%');
  });
});

describe('batches', () => {
  it('polls only a batch being sent', () => {
    expect(isLive('SENDING')).toBe(true);
    expect(isLive('DONE')).toBe(false);
    expect(isLive('CANCELLED')).toBe(false);
    expect(isLive(undefined)).toBe(false);
  });
  it('reads a row state from the address bar', () => {
    expect(parseRowState('SKIPPED')).toBe('SKIPPED');
    expect(parseRowState('skipped')).toBeNull();
    expect(parseRowState(null)).toBeNull();
  });
  it('says how many rows a send sends', () => {
    expect(sendLabel(1)).toBe('Send 1 row');
    expect(sendLabel(3)).toBe('Send 3 rows');
    expect(sendLabel(12000)).toBe('Send 12,000 rows');
  });
});
