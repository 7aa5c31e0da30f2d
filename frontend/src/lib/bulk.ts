// Bulk sending from a spreadsheet: which files the page takes, what a preview's failing rows
// say, and a batch's rows by state as the segments of one progress bar.

import type { BatchState, RowState } from '../../generated/gql/graphql';

/** The file types the service reads (README, "Bulk sending"): CSV, XLSX, XLS and ODS. */
export const ACCEPTED_EXTENSIONS = ['csv', 'xlsx', 'xls', 'ods'] as const;
export const ACCEPT_ATTRIBUTE = '.csv,.xlsx,.xls,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet';
/** The service refuses bigger files (20 MiB). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Why a chosen file cannot be sent, before asking the service; null when it may be. */
export function fileProblem(file: { name: string; size: number } | null): string | null {
  if (!file) return 'Choose a spreadsheet.';
  const ext = file.name.includes('.') ? (file.name.split('.').pop() ?? '').toLowerCase() : '';
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(ext)) {
    return `${file.name} is not a spreadsheet: choose a CSV, XLSX, XLS or ODS file.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_FILE_BYTES) return `${file.name} is over 20 MiB: split it into several batches.`;
  return null;
}

/**
 * A preview's problem (`destination: not a phone number`, `rejected: opted out`) as the column
 * it names and the reason; a problem without a column is all reason.
 */
export function splitProblem(problem: string): { field: string | null; reason: string } {
  const m = /^([A-Za-z_][\w ]*?):\s*(.+)$/s.exec(problem.trim());
  if (!m) return { field: null, reason: problem.trim() };
  return { field: m[1] ?? null, reason: m[2] ?? '' };
}

/** "Send 3 rows", "Send 1 row". */
export function sendLabel(rows: number): string {
  return `Send ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
}

/** The states a progress bar shows, finished first, in the order of the bar. */
export const ROW_STATES: readonly RowState[] = ['SENT', 'FAILED', 'SKIPPED', 'CANCELLED', 'SUBMITTING', 'PENDING'];

export const ROW_STATE_LABELS: Record<RowState, string> = {
  SENT: 'Sent',
  FAILED: 'Failed',
  SKIPPED: 'Skipped',
  CANCELLED: 'Cancelled',
  SUBMITTING: 'Submitting',
  PENDING: 'Pending',
};

export const ROW_STATE_COLORS: Record<RowState, string> = {
  SENT: 'teal',
  FAILED: 'red',
  SKIPPED: 'orange',
  CANCELLED: 'gray',
  SUBMITTING: 'blue',
  PENDING: 'indigo',
};

export const BATCH_STATE_LABELS: Record<BatchState, string> = {
  SENDING: 'Sending',
  DONE: 'Done',
  CANCELLED: 'Cancelled',
};

export const BATCH_STATE_COLORS: Record<BatchState, string> = {
  SENDING: 'blue',
  DONE: 'teal',
  CANCELLED: 'gray',
};

export interface ProgressSegment {
  state: RowState;
  count: number;
  /** Share of the batch's rows, 0 to 100. */
  percent: number;
  label: string;
  color: string;
}

/**
 * A batch's counts as the segments of a progress bar: every state with rows, in `ROW_STATES`
 * order, each a share of the total. Pending and submitting rows take part of the bar too (in
 * lighter colours on the page), so the bar always fills: what is left is what is to come.
 */
export function progressSegments(counts: readonly { state: RowState; count: number }[], totalRows?: number): ProgressSegment[] {
  const by = countsByState(counts);
  const total = totalRows && totalRows > 0 ? totalRows : ROW_STATES.reduce((s, st) => s + by[st], 0);
  if (total === 0) return [];
  return ROW_STATES.filter((st) => by[st] > 0).map((state) => ({
    state,
    count: by[state],
    percent: (by[state] / total) * 100,
    label: `${ROW_STATE_LABELS[state]}: ${by[state].toLocaleString('en-US')}`,
    color: ROW_STATE_COLORS[state],
  }));
}

/** Every state's count, zero for the states the answer leaves out. */
export function countsByState(counts: readonly { state: RowState; count: number }[]): Record<RowState, number> {
  const out = Object.fromEntries(ROW_STATES.map((s) => [s, 0])) as Record<RowState, number>;
  for (const c of counts) out[c.state] += c.count;
  return out;
}

/** "75%" of a 0..1 progress, rounded down so a batch shows 100% only once it is finished. */
export function progressPercent(progress: number): string {
  const p = Math.max(0, Math.min(1, progress));
  return `${Math.floor(p * 100 + 1e-9)}%`;
}

/** A batch is watched (polled) while it is being sent; done and cancelled batches do not change. */
export function isLive(state: BatchState | null | undefined): boolean {
  return state === 'SENDING';
}

/** The row states to filter by, for a select. */
export function rowStateOptions(): { value: RowState; label: string }[] {
  return ROW_STATES.map((s) => ({ value: s, label: ROW_STATE_LABELS[s] }));
}

/** A row state from the address bar; null for anything else. */
export function parseRowState(value: string | null | undefined): RowState | null {
  return (ROW_STATES as readonly string[]).includes(value ?? '') ? (value as RowState) : null;
}

export const BATCH_ROW_PAGE_SIZES = [20, 50, 100] as const;
