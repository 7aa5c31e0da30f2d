// Helpers for the jobs page: what each job does, its cron schedule in words and its next tick,
// a run's outcome, duration and figures, the health of a job from its latest runs, the as-of
// day of a manual run, and the run history's filters as they live in the address bar.
//
// The service's jobs (`src/jobs/`) run on 6-field cron schedules with seconds first, in UTC
// (tokio-cron-scheduler); a run is `running`, `succeeded`, `failed` or `interrupted`.

import { formatDuration, isDay } from './analytics';

// ---------------------------------------------------------------------------------------------
// The jobs.

/** What each job does, for people; a job the UI does not know yet shows its name only. */
export const JOB_DESCRIPTIONS: Record<string, string> = {
  'invoice-drafts': "Drafts every customer's invoice for the month before",
  'lease-maintenance': 'Short-code lease terms: renewals, and ends after notice',
  inactivity: 'Short codes without traffic: warnings at 60 and 80 days, cancellation at 90',
  forecasts: "Reminds missing quarterly forecasts; surcharges the last quarter's excess",
  ratio: 'AT&T outgoing to incoming MMS ratio per 90-day cycle',
  retention: 'Purges message content after 30 days and records after 3 years',
  'delivery-time': "Alerts when a carrier's delivery time degrades",
};

export function jobDescription(name: string): string | null {
  return JOB_DESCRIPTIONS[name] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Cron schedules: `sec min hour day-of-month month day-of-week [year]`, UTC.

interface Cron {
  sec: Set<number>;
  min: Set<number>;
  hour: Set<number>;
  dom: Set<number> | null;
  month: Set<number> | null;
  /** Only `*` (any day of the week) is understood; another value makes `nextRun` give up. */
  anyWeekday: boolean;
  raw: string[];
}

/** The values a field names (`*`, `5`, `1,15`, `10-20`, `*\/15`, `0-30/10`); null when it cannot be read. */
function parseField(field: string, lo: number, hi: number): Set<number> | null {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    let from = lo;
    let to = hi;
    if (m[1] !== '*') {
      from = Number(m[2]);
      to = m[3] === undefined ? (m[4] === undefined ? from : hi) : Number(m[3]);
    }
    if (step < 1 || from < lo || to > hi || from > to) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function parseCron(schedule: string): Cron | null {
  const raw = schedule.trim().split(/\s+/);
  if (raw.length !== 6 && raw.length !== 7) return null;
  const [s, mi, h, dom, mon, dow] = raw as [string, string, string, string, string, string];
  const sec = parseField(s, 0, 59);
  const min = parseField(mi, 0, 59);
  const hour = parseField(h, 0, 23);
  const domSet = dom === '*' || dom === '?' ? null : parseField(dom, 1, 31);
  const monthSet = mon === '*' ? null : parseField(mon, 1, 12);
  if (!sec || !min || !hour || (dom !== '*' && dom !== '?' && !domSet) || (mon !== '*' && !monthSet)) return null;
  return { sec, min, hour, dom: domSet, month: monthSet, anyWeekday: dow === '*' || dow === '?', raw };
}

const pad = (n: number) => String(n).padStart(2, '0');

function only(set: Set<number>): number | null {
  return set.size === 1 ? ([...set][0] ?? null) : null;
}

/** `*\/n` from the field's lowest value, as a step; null for anything else. */
function everyStep(field: string): number | null {
  const m = /^(?:\*|0)\/(\d+)$/.exec(field);
  return m ? Number(m[1]) : null;
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  const suffix = n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/**
 * A schedule in words: "Monthly on the 1st at 02:00 UTC", "Daily at 00:10 UTC", "Hourly at
 * :05", "Every 15 minutes"; the cron itself for what it does not recognise.
 */
export function describeSchedule(schedule: string): string {
  const c = parseCron(schedule);
  if (!c) return `Cron ${schedule.trim()}`;
  const [secF, minF, hourF] = c.raw as [string, string, string];
  const sec = only(c.sec);
  const min = only(c.min);
  const hour = only(c.hour);
  const secSuffix = sec !== null && sec !== 0 ? `:${pad(sec)}` : '';
  const simpleDays = c.anyWeekday && !c.month;
  if (sec !== null && min !== null && hour !== null && simpleDays) {
    const at = `${pad(hour)}:${pad(min)}${secSuffix} UTC`;
    if (!c.dom) return `Daily at ${at}`;
    const day = only(c.dom);
    if (day !== null) return `Monthly on the ${ordinal(day)} at ${at}`;
  }
  if (!c.dom && simpleDays && hourF === '*') {
    if (sec !== null && min !== null) return `Hourly at :${pad(min)}${secSuffix}`;
    const step = minF === '*' ? 1 : everyStep(minF);
    if (sec !== null && step !== null) return step === 1 ? 'Every minute' : `Every ${step} minutes`;
    if (minF === '*') {
      const s = everyStep(secF);
      if (s !== null) return s === 1 ? 'Every second' : `Every ${s} seconds`;
    }
  }
  return `Cron ${schedule.trim()}`;
}

/**
 * The next tick after `now` (UTC), within a year; null for a schedule `describeSchedule`
 * cannot read or one with a day-of-week.
 */
export function nextRun(schedule: string, now: Date): Date | null {
  const c = parseCron(schedule);
  if (!c || !c.anyWeekday) return null;
  const secs = [...c.sec].sort((a, b) => a - b);
  // From the next whole second, minute by minute; days and hours that cannot match are skipped whole.
  const start = Math.floor(now.getTime() / 1000) * 1000 + 1000;
  const limit = start + 366 * 86_400_000;
  let t = start;
  while (t < limit) {
    const d = new Date(t);
    const dayOk = (!c.dom || c.dom.has(d.getUTCDate())) && (!c.month || c.month.has(d.getUTCMonth() + 1));
    if (!dayOk) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!c.hour.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (c.min.has(d.getUTCMinutes())) {
      const s = secs.find((v) => v >= d.getUTCSeconds());
      if (s !== undefined) return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), s));
    }
    t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes() + 1);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Runs.

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'interrupted';

export const OUTCOME_LABELS: Record<RunOutcome, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

export const OUTCOME_COLORS: Record<RunOutcome, string> = {
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  interrupted: 'orange',
};

function knownOutcome(outcome: string): outcome is RunOutcome {
  return outcome in OUTCOME_LABELS;
}

export function outcomeLabel(outcome: string): string {
  return knownOutcome(outcome) ? OUTCOME_LABELS[outcome] : outcome;
}

export function outcomeColor(outcome: string): string {
  return knownOutcome(outcome) ? OUTCOME_COLORS[outcome] : 'gray';
}

/** A run that did not do its work: failed, or cut short (its instance stopped reporting). */
export function isFailure(outcome: string): boolean {
  return outcome === 'failed' || outcome === 'interrupted';
}

/** Start to finish, in words ("1.2 s"); "running" while it runs, "—" when unknown. */
export function runDuration(run: { startedAt: string; finishedAt?: string | null; outcome: string }): string {
  if (!run.finishedAt) return run.outcome === 'running' ? 'running' : '—';
  const ms = new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
  return Number.isNaN(ms) ? '—' : formatDuration(Math.max(0, ms));
}

/** "12 rows · 1 alert · 1 email", the counts that are not zero; "nothing to do" when none is. */
export function runCounts(run: { rowsTouched: number; alertsCreated: number; emailsSent: number }): string {
  const parts: string[] = [];
  const n = (v: number, one: string, many: string) => parts.push(`${v.toLocaleString('en-US')} ${v === 1 ? one : many}`);
  if (run.rowsTouched) n(run.rowsTouched, 'row', 'rows');
  if (run.alertsCreated) n(run.alertsCreated, 'alert', 'alerts');
  if (run.emailsSent) n(run.emailsSent, 'email', 'emails');
  return parts.length > 0 ? parts.join(' · ') : 'nothing to do';
}

/**
 * A run's own figures (its `detail`, a JSON object) as `key: value` pairs for people, keys in
 * words: `{"customers_checked":2}` → `[["customers checked", "2"]]`. Nested objects are
 * flattened one level ("surcharges charges created"); text that is not an object is one pair
 * with an empty key.
 */
export function detailEntries(detail: string | null | undefined): [string, string][] {
  if (!detail) return [];
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return [['', detail]];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [['', typeof value === 'string' ? value : JSON.stringify(value)]];
  const words = (k: string) => k.replace(/_/g, ' ');
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out.push([`${words(k)} ${words(k2)}`, show(v2)]);
    } else {
      out.push([words(k), show(v)]);
    }
  }
  return out;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return v.toLocaleString('en-US');
  return JSON.stringify(v);
}

export type JobHealth = 'never' | 'ok' | 'running' | 'failing';

/**
 * How a job is doing from its latest runs (newest first): `failing` when the latest finished
 * run failed or was interrupted, `running` while the latest runs, `never` without any run.
 * `failures` counts the failed runs among those given.
 */
export function jobHealth(runs: readonly { outcome: string }[]): { health: JobHealth; failures: number } {
  const failures = runs.filter((r) => isFailure(r.outcome)).length;
  const latest = runs[0];
  if (!latest) return { health: 'never', failures };
  if (latest.outcome === 'running') {
    const finished = runs.find((r) => r.outcome !== 'running');
    return { health: finished && isFailure(finished.outcome) ? 'failing' : 'running', failures };
  }
  return { health: isFailure(latest.outcome) ? 'failing' : 'ok', failures };
}

/** Why the run form refuses an as-of day; null for an empty one (today) or a real day. */
export function asOfError(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  return isDay(v) ? null : 'A day as YYYY-MM-DD, or empty for today.';
}

/** The `runJob` variables of the form. */
export function runJobVariables(name: string, asOf: string): { name: string; asOf: string | null } {
  return { name, asOf: asOf.trim() === '' ? null : asOf.trim() };
}

// ---------------------------------------------------------------------------------------------
// The run history's filters.

export const RUN_PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_RUN_PAGE_SIZE = 20;

export interface JobRunFilters {
  /** One job's runs; null for every job's. */
  job: string | null;
  pageSize: number;
}

export const noJobRunFilters: JobRunFilters = { job: null, pageSize: DEFAULT_RUN_PAGE_SIZE };

const JOB_NAME = /^[a-z][a-z0-9-]{0,40}$/;

export function parseJobRunFilters(params: URLSearchParams): JobRunFilters {
  const job = params.get('job');
  const size = Number(params.get('size'));
  return {
    job: job && JOB_NAME.test(job) ? job : null,
    pageSize: (RUN_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_RUN_PAGE_SIZE,
  };
}

export function jobRunFiltersToParams(f: JobRunFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.job) p.set('job', f.job);
  if (f.pageSize !== DEFAULT_RUN_PAGE_SIZE) p.set('size', String(f.pageSize));
  return p;
}
