import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { ForecastsQuery } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { formatCount, utcDay } from '../lib/analytics';
import {
  dailySeries,
  FORECAST_LEVEL_COLORS,
  forecastErrors,
  forecastInput,
  forecastQuarters,
  forecastUse,
  formatPercent,
  hourlySeries,
  isQuarter,
  latestForecast,
  milliToPercent,
  PATTERN_PRESETS,
  patternError,
  percentToMilli,
  presetPattern,
  previousQuarter,
  quarterOf,
  quarterRange,
  shareToMilli,
  type ForecastValues,
  type PatternPreset,
} from '../lib/compliance';
import { formatDateTime } from '../lib/format';

const ForecastCodes = graphql(`
  query ForecastCodes {
    numbers(kind: SHORT_CODE, first: 100) {
      edges {
        node {
          id
          address
          customerId
        }
      }
    }
  }
`);

const ForecastsQueryDoc = graphql(`
  query Forecasts($numberId: ID!, $quarter: String!, $from: NaiveDate!, $to: NaiveDate!) {
    forecasts(numberId: $numberId, quarter: $quarter) {
      id
      quarter
      revision
      expectedMessages
      peakPerSecond
      hourlyPattern
      note
      submittedBy
      createdAt
      actuals {
        messages
        peakPerSecond
        hourly
      }
      variance {
        allowedPercent
        overForecast
        peakExceeded
        messagesAbove
      }
    }
    deliveryStats(filter: { numberId: $numberId, from: $from, to: $to }, groupBy: [DAY]) {
      day
      received
    }
  }
`);

const SubmitForecast = graphql(`
  mutation SubmitForecast($input: ForecastInput!) {
    submitForecast(input: $input) {
      id
      quarter
      revision
    }
  }
`);

type Forecast = ForecastsQuery['forecasts'][number];

interface ForecastFilters {
  number: string | null;
  quarter: string;
}

function parseForecastFilters(params: URLSearchParams): ForecastFilters {
  const quarter = params.get('quarter') ?? '';
  return { number: params.get('number') || null, quarter: isQuarter(quarter) ? quarter : quarterOf() };
}

function forecastFiltersToParams(f: ForecastFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.number) p.set('number', f.number);
  if (f.quarter !== quarterOf()) p.set('quarter', f.quarter);
  return p;
}

/** `/forecasts`: a short code's quarter, forecast against actual traffic by hour and by day; entering or revising it. */
export function Forecasts() {
  const session = useSignedIn();
  const write = can(session.role, 'forecast.write');
  const [filters, update] = useUrlFilters(parseForecastFilters, forecastFiltersToParams);
  const [codes] = useQuery({ query: ForecastCodes });
  const codeRows = codes.data?.numbers.edges.map((e) => e.node) ?? [];
  const numberId = filters.number ?? codeRows[0]?.id ?? null;
  const code = codeRows.find((c) => c.id === numberId);
  const range = quarterRange(filters.quarter);
  const today = utcDay(new Date());
  // Days counted: the quarter's, up to and including today; `until` is exclusive.
  const tomorrow = utcDay(new Date(Date.now() + 86_400_000));
  const until = range && range.to < tomorrow ? range.to : tomorrow;
  const dayBefore = utcDay(new Date(Date.parse(`${until}T00:00:00Z`) - 86_400_000));
  // A quarter yet to come has no day counted: ask for its first day alone (nothing there).
  const lastDay = range && dayBefore < range.from ? range.from : dayBefore;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ForecastsQueryDoc,
    variables: { numberId: numberId ?? '', quarter: filters.quarter, from: range?.from ?? today, to: lastDay },
    pause: !numberId || !range,
  });
  const quarters = useMemo(() => {
    const list = [previousQuarter(quarterOf()), ...forecastQuarters()];
    return list.includes(filters.quarter) ? list : [filters.quarter, ...list];
  }, [filters.quarter]);
  const forecasts = useMemo(() => [...(data?.forecasts ?? [])].sort((a, b) => b.revision - a.revision), [data]);
  const latest = latestForecast(forecasts, filters.quarter);

  return (
    <>
      <PageHeader
        title="Forecasts"
        subtitle="Each short code forecasts its traffic per quarter: messages, peak rate and the share of each hour (UTC). Traffic beyond the forecast by more than the allowed percentage is surcharged after the quarter."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching || !numberId}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Short code and quarter">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <Select
            label="Short code"
            placeholder={codes.fetching ? 'Loading…' : 'No short code'}
            data={codeRows.map((c) => ({ value: c.id, label: c.address }))}
            value={numberId}
            onChange={(v) => update({ number: v })}
            allowDeselect={false}
            searchable
            data-testid="forecast-code"
          />
          <Select
            label="Quarter"
            data={quarters.map((q) => ({ value: q, label: q === quarterOf() ? `${q} (this quarter)` : q }))}
            value={filters.quarter}
            onChange={(v) => v && update({ quarter: v })}
            allowDeselect={false}
            data-testid="forecast-quarter"
          />
        </SimpleGrid>
      </Paper>
      <ErrorAlert error={codes.error ?? error} title="The forecasts could not be loaded" />
      {codes.data && codeRows.length === 0 && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />}>
          No short code on file: forecasts are for leased short codes.
        </Alert>
      )}
      {fetching && !data && <TableSkeleton rows={6} label="Loading the forecast" />}
      {data && code && (
        <Stack gap="lg">
          {latest ? (
            <Summary forecast={latest} />
          ) : (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="forecast-none">
              No forecast for {code.address} in {filters.quarter} yet
              {write ? ': enter one below.' : '.'}
            </Alert>
          )}
          {latest && (
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
              <Paper withBorder radius="md" p="lg" data-testid="forecast-hourly">
                <Title order={4}>By hour of the day (UTC)</Title>
                <Text size="xs" c="dimmed" mb="md">
                  The forecast's share of each hour times its messages, beside the messages counted in that hour so far.
                </Text>
                <BarChart
                  h={260}
                  data={hourlySeries(latest.hourlyPattern, latest.expectedMessages, latest.actuals.hourly)}
                  dataKey="hour"
                  series={[
                    { name: 'forecast', label: 'Forecast', color: 'indigo.3' },
                    { name: 'actual', label: 'Actual', color: 'teal.7' },
                  ]}
                  withLegend
                  legendProps={{ verticalAlign: 'bottom', height: 40 }}
                  valueFormatter={formatCount}
                  xAxisProps={{ interval: 2 }}
                />
              </Paper>
              <Paper withBorder radius="md" p="lg" data-testid="forecast-daily">
                <Title order={4}>By day, running total</Title>
                <Text size="xs" c="dimmed" mb="md">
                  Messages so far in the quarter against the forecast's even pace (its messages over the quarter's days).
                </Text>
                <LineChart
                  h={260}
                  data={dailySeries(
                    filters.quarter,
                    latest.expectedMessages,
                    data.deliveryStats.filter((d) => d.day).map((d) => ({ day: d.day ?? '', messages: d.received })),
                    until,
                  )}
                  dataKey="label"
                  series={[
                    { name: 'forecastTotal', label: 'Forecast pace', color: 'indigo.4' },
                    { name: 'actualTotal', label: 'Actual', color: 'teal.7' },
                  ]}
                  curveType="linear"
                  withDots={false}
                  withLegend
                  legendProps={{ verticalAlign: 'bottom', height: 40 }}
                  valueFormatter={formatCount}
                />
              </Paper>
            </SimpleGrid>
          )}
          {forecasts.length > 0 && <Revisions forecasts={forecasts} />}
          {write && (
            <ForecastForm
              key={`${numberId}-${filters.quarter}-${latest?.revision ?? 0}`}
              numberId={numberId ?? ''}
              address={code.address}
              quarter={filters.quarter}
              latest={latest}
              onSubmitted={() => refetch({ requestPolicy: 'network-only' })}
            />
          )}
        </Stack>
      )}
    </>
  );
}

function Summary({ forecast: f }: { forecast: Forecast }) {
  const use = forecastUse(f.expectedMessages, f.actuals.messages, f.variance.allowedPercent);
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" data-testid="forecast-summary">
      <Stat label="Forecast" testId="forecast-expected">
        {formatCount(f.expectedMessages)} messages
      </Stat>
      <Stat label="Actual so far" testId="forecast-actual">
        {formatCount(f.actuals.messages)}{' '}
        <Badge size="sm" variant="light" color={FORECAST_LEVEL_COLORS[use.level]}>
          {use.percent === null ? '—' : `${use.percent}%`}
        </Badge>
      </Stat>
      <Stat label="Peak per second" testId="forecast-peak">
        {formatCount(f.actuals.peakPerSecond)} of {formatCount(f.peakPerSecond)}{' '}
        {f.variance.peakExceeded && (
          <Badge size="sm" color="red" variant="light">
            exceeded
          </Badge>
        )}
      </Stat>
      <Stat label={`Over by more than ${f.variance.allowedPercent}%`} testId="forecast-over">
        {f.variance.overForecast ? (
          <Text span c="red" fw={700}>
            yes: {formatCount(f.variance.messagesAbove)} above
          </Text>
        ) : (
          'no'
        )}
      </Stat>
    </SimpleGrid>
  );
}

function Stat({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="md" fw={600} mt={4} component="div" data-testid={testId}>
        {children}
      </Text>
    </Paper>
  );
}

function Revisions({ forecasts }: { forecasts: readonly Forecast[] }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="revisions-title">
      <Title order={4} id="revisions-title" mb="sm">
        Revisions
      </Title>
      <Table verticalSpacing={4} data-testid="forecast-revisions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Revision</Table.Th>
            <Table.Th>Submitted</Table.Th>
            <Table.Th ta="right">Messages</Table.Th>
            <Table.Th ta="right">Peak/s</Table.Th>
            <Table.Th>Note</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {forecasts.map((f) => (
            <Table.Tr key={f.id} data-testid={`revision-${f.revision}`}>
              <Table.Td>{f.revision}</Table.Td>
              <Table.Td>
                {formatDateTime(f.createdAt)}{' '}
                <Text span size="xs" c="dimmed">
                  by {f.submittedBy}
                </Text>
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {formatCount(f.expectedMessages)}
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {formatCount(f.peakPerSecond)}
              </Table.Td>
              <Table.Td>{f.note ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function ForecastForm({
  numberId,
  address,
  quarter,
  latest,
  onSubmitted,
}: {
  numberId: string;
  address: string;
  quarter: string;
  latest: Forecast | null;
  onSubmitted: () => void;
}) {
  const form = useForm<ForecastValues>({
    mode: 'controlled',
    initialValues: {
      numberId,
      quarter,
      expectedMessages: latest?.expectedMessages ?? '',
      peakPerSecond: latest?.peakPerSecond ?? '',
      note: '',
      pattern: latest ? latest.hourlyPattern.map(shareToMilli) : presetPattern('flat'),
    },
    validate: (v) => forecastErrors(v),
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, submit] = useMutation(SubmitForecast);
  const pattern = form.values.pattern;
  const sum = pattern.reduce<number>((a, m) => a + (m ?? 0), 0);
  const patternProblem = patternError(pattern);

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="forecast-form-title">
      <Title order={4} id="forecast-form-title">
        {latest ? `Revise the forecast (revision ${latest.revision + 1})` : 'Enter the forecast'}
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        {address}, {quarter}. Every revision is kept; the newest is the one actual traffic is held against.
      </Text>
      <form
        noValidate
        onSubmit={form.onSubmit(async (v) => {
          setGeneral([]);
          const r = await submit({ input: forecastInput(v) });
          if (r.error) {
            const split = splitErrors(r.error, ['expectedMessages', 'peakPerSecond', 'quarter', 'hourlyPattern', 'note']);
            const { hourlyPattern, ...rest } = split.fields;
            form.setErrors({ ...rest, ...(hourlyPattern ? { pattern: hourlyPattern } : {}) });
            setGeneral(split.general);
            return;
          }
          notifications.show({
            color: 'teal',
            icon: <IconCircleCheck size={16} />,
            title: `Forecast for ${address} saved`,
            message: `${quarter}, revision ${r.data?.submitForecast.revision ?? ''}`,
          });
          onSubmitted();
        })}
      >
        <Stack>
          {general.length > 0 && (
            <Alert color="red" variant="light" title="Not saved" icon={<IconAlertTriangle size={18} />} role="alert">
              <List size="sm">
                {general.map((m) => (
                  <List.Item key={m}>{m}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput
              label="Messages in the quarter"
              withAsterisk
              min={0}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              data-testid="forecast-expected-input"
              {...form.getInputProps('expectedMessages')}
            />
            <NumberInput
              label="Peak messages per second"
              withAsterisk
              min={1}
              allowDecimal={false}
              allowNegative={false}
              data-testid="forecast-peak-input"
              {...form.getInputProps('peakPerSecond')}
            />
            <Select
              label="Hourly pattern"
              placeholder="Fill from a preset"
              data={PATTERN_PRESETS}
              value={null}
              onChange={(v) => v && form.setFieldValue('pattern', presetPattern(v as PatternPreset))}
              data-testid="forecast-preset"
            />
          </SimpleGrid>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>
              <Text size="sm" fw={500}>
                Share of each hour (UTC), in percent{' '}
                <Text span size="sm" c={patternProblem ? 'red' : 'teal'} data-testid="forecast-pattern-sum">
                  total {formatPercent(sum)}
                </Text>
              </Text>
            </legend>
            <SimpleGrid cols={{ base: 4, sm: 6, lg: 12 }} spacing={6} mt={6}>
              {pattern.map((m, h) => (
                <NumberInput
                  key={h}
                  label={`${String(h).padStart(2, '0')}:00`}
                  size="xs"
                  min={0}
                  max={100}
                  decimalScale={3}
                  allowNegative={false}
                  hideControls
                  value={m === null ? '' : milliToPercent(m)}
                  onChange={(v) => {
                    const next = [...form.values.pattern];
                    next[h] = percentToMilli(v);
                    form.setFieldValue('pattern', next);
                  }}
                />
              ))}
            </SimpleGrid>
            {form.errors.pattern && (
              <Text size="xs" c="red" mt={4} role="alert" data-testid="forecast-pattern-error">
                {form.errors.pattern}
              </Text>
            )}
          </fieldset>
          <Textarea label="Note" description="Optional: why the numbers are what they are" autosize minRows={2} {...form.getInputProps('note')} />
          <Group justify="flex-end">
            <Button type="submit" loading={fetching} data-testid="submit-forecast">
              {latest ? 'Save revision' : 'Save forecast'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
