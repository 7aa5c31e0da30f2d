import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import {
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCalendarWeek, IconInfoCircle } from '@tabler/icons-react';
import { useMemo, type ReactNode } from 'react';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { DeliveryStatsFilter, Direction } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, HintedStat } from '../components/common';
import { useCarrierNames } from '../components/messages';
import { can } from '../lib/access';
import {
  analyticsFiltersToParams,
  carrierByDay,
  carrierTable,
  daysInRange,
  defaultRange,
  formatCount,
  formatDuration,
  formatRatio,
  latencyByCarrier,
  OUTCOME_SERIES,
  parseAnalyticsFilters,
  rangeError,
  statusByDay,
  totals,
} from '../lib/analytics';

// One request for the three groupings the page shows.
const DeliveryAnalyticsQuery = graphql(`
  query DeliveryAnalytics($filter: DeliveryStatsFilter!) {
    byDay: deliveryStats(filter: $filter, groupBy: [DAY]) {
      day
      received
      fragments
      delivered
      undeliverable
      expired
      rejected
      cancelled
      inFlight
    }
    byDayCarrier: deliveryStats(filter: $filter, groupBy: [DAY, CARRIER]) {
      day
      carrierId
      carrierCode
      received
    }
    byCarrier: deliveryStats(filter: $filter, groupBy: [CARRIER]) {
      carrierId
      carrierCode
      received
      fragments
      delivered
      undeliverable
      expired
      rejected
      cancelled
      inFlight
      deliveredRatio
      deliveryP50Ms
      deliveryP95Ms
    }
  }
`);

const AnalyticsCustomers = graphql(`
  query AnalyticsCustomers {
    customers(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const CARRIER_COLUMNS = 10;

/** `/analytics`: messages per day by outcome and carrier, and delivery by carrier. */
export function Analytics() {
  const session = useSignedIn();
  const [filters, update] = useUrlFilters(parseAnalyticsFilters, analyticsFiltersToParams);
  const pickCustomer = can(session.role, 'customer.list');
  const defaults = defaultRange();
  const isDefaultRange = filters.from === defaults.from && filters.to === defaults.to;

  const [customers] = useQuery({ query: AnalyticsCustomers, pause: !pickCustomer });
  const carriers = useCarrierNames();

  const error = rangeError(filters.from, filters.to);
  const filter: DeliveryStatsFilter = {
    from: filters.from,
    to: filters.to,
    customerId: pickCustomer ? filters.customer : null,
    direction: filters.direction,
  };
  const [{ data, fetching, error: apiError }, refetch] = useQuery({
    query: DeliveryAnalyticsQuery,
    variables: { filter },
    pause: error !== null,
  });

  const days = useMemo(() => daysInRange(filters.from, filters.to), [filters.from, filters.to]);
  const shown = error === null ? data : undefined;
  const byStatus = useMemo(() => statusByDay(shown?.byDay ?? [], days), [shown, days]);
  const byCarrierDay = useMemo(() => carrierByDay(shown?.byDayCarrier ?? [], days), [shown, days]);
  const table = useMemo(() => carrierTable(shown?.byCarrier ?? []), [shown]);
  const latency = useMemo(() => latencyByCarrier(table), [table]);
  const sum = useMemo(() => totals(shown?.byDay ?? []), [shown]);
  const loading = fetching && !data && error === null;
  const empty = Boolean(shown) && sum.received === 0;

  return (
    <>
      <PageHeader
        title="Delivery analytics"
        subtitle={
          session.role === 'CUSTOMER'
            ? 'Your traffic by day and carrier: what was delivered, what was not, and how fast.'
            : 'Traffic by day and carrier: what was delivered, what was not, and how fast.'
        }
        actions={
          <Button
            variant="subtle"
            size="xs"
            onClick={() => refetch({ requestPolicy: 'network-only' })}
            disabled={error !== null || fetching}
          >
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: pickCustomer ? 4 : 3 }} spacing="sm">
          <TextInput
            type="date"
            label="From"
            value={filters.from}
            onChange={(e) => update({ from: e.currentTarget.value })}
            error={error ?? undefined}
            data-testid="analytics-from"
          />
          <TextInput
            type="date"
            label="To"
            value={filters.to}
            onChange={(e) => update({ to: e.currentTarget.value })}
            data-testid="analytics-to"
          />
          {pickCustomer && (
            <Select
              label="Customer"
              placeholder={customers.fetching && !customers.data ? 'Loading…' : 'All customers'}
              data={(customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }))}
              value={filters.customer}
              onChange={(v) => update({ customer: v })}
              searchable
              clearable
              nothingFoundMessage="No customer by that name"
              data-testid="analytics-customer"
            />
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Direction
            </Text>
            <SegmentedControl
              fullWidth
              aria-label="Direction"
              data={[
                { value: 'ALL', label: 'All' },
                { value: 'MT', label: 'MT' },
                { value: 'MO', label: 'MO' },
              ]}
              value={filters.direction ?? 'ALL'}
              onChange={(v) => update({ direction: v === 'ALL' ? null : (v as Direction) })}
            />
          </Stack>
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="xs" c="dimmed">
            Days are UTC days of submission, both ends included, at most 366 at once. The address bar keeps the filters.
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconCalendarWeek size={14} />}
            disabled={isDefaultRange}
            onClick={() => update(defaultRange())}
          >
            Last 7 days
          </Button>
        </Group>
      </Paper>

      <ErrorAlert error={apiError} title="Analytics could not be loaded" />
      {error !== null ? (
        <Text c="dimmed" ta="center" py="lg" data-testid="analytics-empty">
          Fix the date range to see the analytics.
        </Text>
      ) : loading ? (
        <Stack gap="md" aria-busy="true" aria-label="Loading analytics" data-testid="loading">
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
            {Array.from({ length: 4 }, (_, i) => (
              <Skeleton key={i} height={84} radius="md" />
            ))}
          </SimpleGrid>
          <Skeleton height={320} radius="md" />
          <Skeleton height={320} radius="md" />
        </Stack>
      ) : empty ? (
        <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} data-testid="analytics-empty">
          No messages were submitted in this range{filters.customer && pickCustomer ? ' by this customer' : ''}
          {filters.direction ? ` (${filters.direction})` : ''}. Messages submitted over SMPP are counted here as they are received.
        </Alert>
      ) : shown ? (
        <Stack gap="md" aria-busy={fetching} data-testid="analytics">
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
            <HintedStat label="Received" testId="analytics-received" hint="Messages submitted (MT) or received from carriers (MO)">
              {formatCount(sum.received)}
            </HintedStat>
            <HintedStat label="Fragments" testId="analytics-fragments" hint="Parts of long messages each count">
              {formatCount(sum.fragments)}
            </HintedStat>
            <HintedStat
              label="Delivered"
              testId="analytics-delivered-ratio"
              hint="Delivered over final outcomes other than rejected: undeliverable, expired and cancelled count against it"
            >
              {formatRatio(sum.deliveredRatio)}
            </HintedStat>
            <HintedStat label="In flight" testId="analytics-in-flight" hint="Received and not final yet">
              {formatCount(sum.inFlight)}
            </HintedStat>
          </SimpleGrid>

          <ChartCard title="Messages per day by status" subtitle="Each day's messages by where they ended up; in flight: not final yet.">
            <BarChart
              h={300}
              data={byStatus}
              dataKey="label"
              type="stacked"
              series={OUTCOME_SERIES.map((s) => ({ ...s }))}
              withLegend
              legendProps={{ verticalAlign: 'bottom', height: 40, itemSorter: null }}
              valueFormatter={formatCount}
              yAxisProps={{ allowDecimals: false }}
              maxBarWidth={48}
              data-testid="chart-status"
            />
          </ChartCard>

          <ChartCard title="Messages per day by carrier" subtitle="The carrier of each message's destination; Unknown: a destination no route knows.">
            <LineChart
              h={280}
              data={byCarrierDay.data}
              dataKey="label"
              series={byCarrierDay.series}
              curveType="linear"
              withLegend
              legendProps={{ verticalAlign: 'bottom', height: 40, itemSorter: null }}
              valueFormatter={formatCount}
              yAxisProps={{ allowDecimals: false }}
              data-testid="chart-carriers"
            />
          </ChartCard>

          <Paper withBorder radius="md" p="lg" data-testid="carrier-stats">
            <Title order={4}>Delivery by carrier</Title>
            <Text size="xs" c="dimmed" mb="sm">
              Delivered ratio: delivered over final outcomes other than rejected. Delivery time: submission to the carrier's
              delivery receipt, MT only, within about 12%.
            </Text>
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing="sm" horizontalSpacing={8} data-testid="carrier-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Carrier</Table.Th>
                    <Table.Th ta="right">Received</Table.Th>
                    <Table.Th ta="right">Fragments</Table.Th>
                    <Table.Th ta="right">Delivered</Table.Th>
                    <Table.Th ta="right">
                      <Tooltip label="Undeliverable, expired or cancelled">
                        <span>Not delivered</span>
                      </Tooltip>
                    </Table.Th>
                    <Table.Th ta="right">Rejected</Table.Th>
                    <Table.Th ta="right">In flight</Table.Th>
                    <Table.Th ta="right">Delivered ratio</Table.Th>
                    <Table.Th ta="right">Delivery p50</Table.Th>
                    <Table.Th ta="right">Delivery p95</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {table.map((r) => {
                    const name = r.carrierId ? carriers.get(r.carrierId)?.name : undefined;
                    return (
                      <Table.Tr key={r.label} data-testid={`carrier-row-${r.label}`}>
                        <Table.Td>
                          <Text size="sm" fw={600} c={r.carrierId ? undefined : 'dimmed'} data-testid="carrier-label">
                            {r.label}
                          </Text>
                          {name && (
                            <Text size="xs" c="dimmed">
                              {name}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td ta="right" data-testid="carrier-received">
                          {formatCount(r.received)}
                        </Table.Td>
                        <Table.Td ta="right" data-testid="carrier-fragments">
                          {formatCount(r.fragments)}
                        </Table.Td>
                        <Table.Td ta="right" data-testid="carrier-delivered">
                          {formatCount(r.delivered)}
                        </Table.Td>
                        <Table.Td ta="right" data-testid="carrier-not-delivered">
                          {formatCount(r.notDelivered)}
                        </Table.Td>
                        <Table.Td ta="right">{formatCount(r.rejected)}</Table.Td>
                        <Table.Td ta="right">{formatCount(r.inFlight)}</Table.Td>
                        <Table.Td ta="right" fw={600} data-testid="carrier-ratio">
                          {formatRatio(r.deliveredRatio)}
                        </Table.Td>
                        <Table.Td ta="right" ff="monospace" data-testid="carrier-p50">
                          {formatDuration(r.p50Ms)}
                        </Table.Td>
                        <Table.Td ta="right" ff="monospace" data-testid="carrier-p95">
                          {formatDuration(r.p95Ms)}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                  {table.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={CARRIER_COLUMNS}>
                        <Text c="dimmed" ta="center" py="sm" size="sm">
                          No carrier traffic.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Title order={5} mt="lg" mb="xs">
              Delivery time by carrier
            </Title>
            {latency.length > 0 ? (
              <BarChart
                h={200}
                data={latency}
                dataKey="carrier"
                series={[
                  { name: 'p50', label: 'p50 (median)', color: 'indigo.4' },
                  { name: 'p95', label: 'p95', color: 'indigo.8' },
                ]}
                withLegend
                legendProps={{ verticalAlign: 'bottom', height: 32, itemSorter: null }}
                valueFormatter={formatDuration}
                yAxisProps={{ width: 72 }}
                maxBarWidth={36}
                data-testid="chart-latency"
              />
            ) : (
              <Text c="dimmed" size="sm" data-testid="latency-empty">
                No delivery times in this range: they come from delivered MT messages.
              </Text>
            )}
          </Paper>
          {fetching && (
            <Group justify="center">
              <Loader size="xs" data-testid="analytics-loading" />
            </Group>
          )}
        </Stack>
      ) : null}
    </>
  );
}

function ChartCard({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={4}>{title}</Title>
      <Text size="xs" c="dimmed" mb="md">
        {subtitle}
      </Text>
      {children}
    </Paper>
  );
}
