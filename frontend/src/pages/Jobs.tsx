import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCircleCheck, IconPlayerPlay } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { JobsQuery, RunJobMutation } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { formatDateTime } from '../lib/format';
import {
  asOfError,
  describeSchedule,
  detailEntries,
  isFailure,
  jobDescription,
  jobHealth,
  jobRunFiltersToParams,
  nextRun,
  outcomeColor,
  outcomeLabel,
  parseJobRunFilters,
  RUN_PAGE_SIZES,
  runCounts,
  runDuration,
  runJobVariables,
} from '../lib/jobs';
import { currentAfter } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';
import { usePageFor } from '../hooks/usePageFor';

const JobsQueryDoc = graphql(`
  query Jobs {
    jobs {
      name
      schedule
      enabled
      lastRuns(first: 5) {
        id
        job
        outcome
        trigger
        asOf
        scheduledFor
        startedAt
        finishedAt
        rowsTouched
        alertsCreated
        emailsSent
        error
      }
    }
  }
`);

const JobRunsQuery = graphql(`
  query JobRuns($job: String, $first: Int!, $after: String) {
    jobRuns(job: $job, first: $first, after: $after) {
      edges {
        node {
          id
          job
          outcome
          trigger
          instance
          asOf
          scheduledFor
          startedAt
          finishedAt
          rowsTouched
          alertsCreated
          emailsSent
          detail
          error
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const RunJob = graphql(`
  mutation RunJob($name: String!, $asOf: NaiveDate) {
    runJob(name: $name, asOf: $asOf) {
      id
      job
      outcome
      trigger
      instance
      asOf
      scheduledFor
      startedAt
      finishedAt
      rowsTouched
      alertsCreated
      emailsSent
      detail
      error
    }
  }
`);

type Job = JobsQuery['jobs'][number];
type Run = RunJobMutation['runJob'];

const HISTORY_COLUMNS = 8;

/** `/jobs` (admins): each job's schedule and latest runs, a run by hand, and the run history. */
export function Jobs() {
  const session = useSignedIn();
  const run = can(session.role, 'job.run');
  const [filters, update] = useUrlFilters(parseJobRunFilters, jobRunFiltersToParams);
  // A run (by hand here, or an answer to one) returns a JobRun: both lists fetch again.
  const context = useMemo(() => ({ additionalTypenames: ['JobRun'] }), []);
  const [{ data, fetching, error }, refetch] = useQuery({ query: JobsQueryDoc, context });
  const [running, setRunning] = useState<string | null>(null);
  const now = new Date();
  const jobs = data?.jobs ?? [];

  return (
    <>
      <PageHeader
        title="Scheduled jobs"
        subtitle="Each job's schedule (UTC) and its latest runs, failures marked. A job run by hand acts as of a day and is recorded like a scheduled run."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      <ErrorAlert error={error} title="The jobs could not be loaded" />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-labelledby="jobs-title">
        <Title order={3} id="jobs-title" mb="sm">
          Jobs
        </Title>
        {fetching && !data ? (
          <TableSkeleton rows={7} label="Loading jobs" />
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="sm" data-testid="jobs-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job</Table.Th>
                  <Table.Th>Schedule</Table.Th>
                  <Table.Th>Latest run</Table.Th>
                  <Table.Th style={{ whiteSpace: 'nowrap' }}>Last 5</Table.Th>
                  {run && <Table.Th>Run</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {jobs.map((j) => (
                  <JobRow key={j.name} job={j} now={now} onRun={run ? () => setRunning(j.name) : null} />
                ))}
                {jobs.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={run ? 5 : 4}>
                      <Text c="dimmed" ta="center" py="lg">
                        No jobs.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <RunHistory jobs={jobs.map((j) => j.name)} filters={filters} update={update} />
      {running && <RunJobModal name={running} onClose={() => setRunning(null)} />}
    </>
  );
}

function OutcomeBadge({ outcome, ...props }: { outcome: string } & Record<`data-${string}`, string>) {
  const failed = isFailure(outcome);
  return (
    <Badge
      color={outcomeColor(outcome)}
      variant={failed ? 'filled' : 'light'}
      leftSection={failed ? <IconAlertTriangle size={12} aria-hidden /> : undefined}
      style={{ minWidth: 'max-content' }}
      {...props}
    >
      {outcomeLabel(outcome)}
    </Badge>
  );
}

function JobRow({ job, now, onRun }: { job: Job; now: Date; onRun: (() => void) | null }) {
  const { health, failures } = jobHealth(job.lastRuns);
  const latest = job.lastRuns[0];
  const next = job.enabled ? nextRun(job.schedule, now) : null;
  const description = jobDescription(job.name);
  return (
    <Table.Tr data-testid={`job-${job.name}`} data-health={health}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text ff="monospace" fw={600} size="sm">
            {job.name}
          </Text>
          {health === 'failing' && (
            <Badge color="red" variant="filled" size="sm" leftSection={<IconAlertTriangle size={12} aria-hidden />} data-testid="job-failing">
              Failing
            </Badge>
          )}
        </Group>
        {description && (
          <Text size="xs" c="dimmed" maw={320}>
            {description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="job-schedule">
          {describeSchedule(job.schedule)}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {job.schedule}
        </Text>
        {job.enabled ? (
          next && (
            <Text size="xs" c="dimmed">
              next {formatDateTime(next.toISOString())}
            </Text>
          )
        ) : (
          <Badge size="xs" variant="light" color="gray" data-testid="job-disabled">
            Not scheduled
          </Badge>
        )}
      </Table.Td>
      <Table.Td data-testid="job-latest">
        {latest ? (
          <Stack gap={2}>
            <Group gap={6}>
              <OutcomeBadge outcome={latest.outcome} data-testid="job-latest-outcome" />
              <Text size="xs" c="dimmed">
                #{latest.id} · {latest.trigger}
              </Text>
            </Group>
            <Text size="xs">
              {formatDateTime(latest.startedAt)} · {runDuration(latest)} · {runCounts(latest)}
            </Text>
            {latest.error && (
              <Text size="xs" c="red" maw={360} data-testid="job-latest-error">
                {latest.error}
              </Text>
            )}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Never run
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap" data-testid="job-last-runs">
          {job.lastRuns.map((r) => (
            <Tooltip key={r.id} label={`#${r.id} ${outcomeLabel(r.outcome).toLowerCase()}, ${formatDateTime(r.startedAt)}`}>
              <Badge
                size="xs"
                circle
                color={outcomeColor(r.outcome)}
                variant={isFailure(r.outcome) ? 'filled' : 'light'}
                role="img"
                aria-label={`Run ${r.id}: ${outcomeLabel(r.outcome)}`}
              >
                {isFailure(r.outcome) ? '!' : ''}
              </Badge>
            </Tooltip>
          ))}
        </Group>
        {failures > 0 && (
          <Text size="xs" c="red">
            {failures} of {job.lastRuns.length} failed
          </Text>
        )}
      </Table.Td>
      {onRun && (
        <Table.Td>
          <Button size="xs" variant="light" leftSection={<IconPlayerPlay size={14} />} onClick={onRun} aria-label={`Run now: ${job.name}`}>
            Run now
          </Button>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function RunHistory({
  jobs,
  filters,
  update,
}: {
  jobs: string[];
  filters: { job: string | null; pageSize: number };
  update: (patch: Partial<{ job: string | null; pageSize: number }>) => void;
}) {
  const context = useMemo(() => ({ additionalTypenames: ['JobRun'] }), []);
  const key = JSON.stringify([filters.job, filters.pageSize]);
  const [page, setPage] = usePageFor(key);
  const [{ data, fetching, error }] = useQuery({
    query: JobRunsQuery,
    variables: { job: filters.job, first: filters.pageSize, after: currentAfter(page) },
    context,
  });
  const rows = data?.jobRuns.edges.map((e) => e.node) ?? [];
  const info = data?.jobRuns.pageInfo;
  const options = [...new Set([...jobs, ...(filters.job ? [filters.job] : [])])].map((j) => ({ value: j, label: j }));

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="runs-title">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={3} id="runs-title">
            Run history
          </Title>
          <Text size="xs" c="dimmed">
            Newest first. The address bar keeps the job chosen.
          </Text>
        </div>
        <Select
          label="Job"
          placeholder="Every job"
          data={options}
          value={filters.job}
          onChange={(v) => update({ job: v })}
          clearable
          w={240}
          data-testid="runs-job"
        />
      </Group>
      <ErrorAlert error={error} title="The runs could not be loaded" />
      {fetching && !data ? (
        <TableSkeleton rows={5} label="Loading runs" />
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table verticalSpacing="sm" data-testid="runs-table" aria-busy={fetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Run</Table.Th>
                <Table.Th>Job</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>As of</Table.Th>
                <Table.Th>Scheduled for</Table.Th>
                <Table.Th>Started · finished</Table.Th>
                <Table.Th>Did</Table.Th>
                <Table.Th>Error and figures</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const failed = isFailure(r.outcome);
                return (
                  <Table.Tr key={r.id} data-testid={`run-${r.id}`} bg={failed ? 'red.0' : undefined}>
                    <Table.Td ff="monospace">#{r.id}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {r.job}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {r.trigger} · {r.instance}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <OutcomeBadge outcome={r.outcome} data-testid="run-outcome" />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{r.asOf}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.scheduledFor)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(r.startedAt)}
                      <Text size="xs" c="dimmed">
                        {r.finishedAt ? `${formatDateTime(r.finishedAt)} · ${runDuration(r)}` : runDuration(r)}
                      </Text>
                    </Table.Td>
                    <Table.Td data-testid="run-counts">{runCounts(r)}</Table.Td>
                    <Table.Td maw={380}>
                      {r.error && (
                        <Text size="xs" c="red" fw={600} data-testid="run-error">
                          {r.error}
                        </Text>
                      )}
                      <Figures detail={r.detail} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {rows.length === 0 && !error && (
                <Table.Tr>
                  <Table.Td colSpan={HISTORY_COLUMNS}>
                    <Text c="dimmed" ta="center" py="lg" data-testid="runs-empty">
                      {filters.job ? `No run of ${filters.job} yet.` : 'No run yet.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PagerFooter
        pageSizes={RUN_PAGE_SIZES}
        pageSize={filters.pageSize}
        onPageSize={(size) => update({ pageSize: size })}
        page={page}
        onPage={setPage}
        rows={rows.length}
        hasNextPage={info?.hasNextPage}
        endCursor={info?.endCursor}
        fetching={fetching}
        refreshing={fetching && !!data}
      />
    </Paper>
  );
}

function Figures({ detail }: { detail: string | null | undefined }) {
  const entries = detailEntries(detail);
  if (entries.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="run-detail">
      {entries.map(([k, v]) => (k ? `${k}: ${v}` : v)).join(' · ')}
    </Text>
  );
}

/** Runs one job now, as of a day (today when empty), and shows the run it recorded. */
function RunJobModal({ name, onClose }: { name: string; onClose: () => void }) {
  const [asOf, setAsOf] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const [result, setResult] = useState<Run | null>(null);
  const [{ fetching }, runJob] = useMutation(RunJob);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const invalid = asOfError(asOf);
    setFieldError(invalid);
    setGeneral([]);
    if (invalid) return;
    const r = await runJob(runJobVariables(name, asOf));
    if (r.error) {
      const split = splitErrors(r.error, ['asOf']);
      setFieldError(split.fields.asOf ?? null);
      setGeneral(split.general);
      return;
    }
    if (!r.data) return;
    const ran = r.data.runJob;
    setResult(ran);
    notifications.show({
      color: isFailure(ran.outcome) ? 'red' : 'teal',
      icon: isFailure(ran.outcome) ? <IconAlertTriangle size={16} /> : <IconCircleCheck size={16} />,
      title: `${name}: run #${ran.id} ${outcomeLabel(ran.outcome).toLowerCase()}`,
      message: ran.error ?? runCounts(ran),
    });
  }

  return (
    <Modal opened onClose={onClose} title={`Run ${name} now`} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" gap="sm">
          <TextInput
            type="date"
            label="As of"
            description="The day the job acts as of (UTC); empty for today"
            value={asOf}
            onChange={(e) => setAsOf(e.currentTarget.value)}
            error={fieldError ?? undefined}
            w={240}
            data-testid="run-job-as-of"
            data-autofocus
          />
          <Button type="submit" mt={44} leftSection={<IconPlayerPlay size={16} />} loading={fetching} data-testid="run-job">
            Run
          </Button>
        </Group>
        <Text size="xs" c="dimmed" mt="xs">
          {jobDescription(name) ?? 'A scheduled job.'} Jobs are idempotent: running one again for the same day changes
          nothing it already did.
        </Text>
      </form>
      {general.length > 0 && (
        <Alert color="red" variant="light" title="Not run" icon={<IconAlertTriangle size={18} />} role="alert" mt="sm">
          {general.join(' ')}
        </Alert>
      )}
      {result && <RunResult run={result} />}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
      </Group>
    </Modal>
  );
}

function RunResult({ run }: { run: Run }) {
  const failed = isFailure(run.outcome);
  return (
    <Stack gap={4} mt="md" data-testid="job-run-result" role="status">
      <Group gap="xs">
        <Title order={5}>
          Run #{run.id} as of {run.asOf}
        </Title>
        <OutcomeBadge outcome={run.outcome} data-testid="job-run-outcome" />
      </Group>
      <Text size="xs" c="dimmed">
        Started {formatDateTime(run.startedAt)}
        {run.finishedAt ? `, finished ${formatDateTime(run.finishedAt)}` : ''} ({runDuration(run)}) on {run.instance}
      </Text>
      <Text size="sm" data-testid="job-run-counts">
        {runCounts(run)}
      </Text>
      <Figures detail={run.detail} />
      {failed && run.error && (
        <Alert color="red" variant="light" title="The run failed" icon={<IconAlertTriangle size={18} />}>
          {run.error}
        </Alert>
      )}
    </Stack>
  );
}
