import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Card, Paper, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { useMemo, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { errorMessages } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { formatCount, utcDay } from '../lib/analytics';
import { formatDate } from '../lib/format';
import {
  cycleProgress,
  formatRatioValue,
  NO_INCOMING,
  parseDecimal,
  parseRatioFilters,
  RATIO_LEVEL_COLORS,
  RATIO_LEVEL_LABELS,
  ratioAxisMax,
  ratioFiltersToParams,
  ratioSeries,
} from '../lib/mms';

const MmsRatioQuery = graphql(`
  query MmsRatio($customerId: ID, $asOf: NaiveDate) {
    mmsRatio(customerId: $customerId, asOf: $asOf) {
      customerId
      cycleStart
      cycleEnd
      outgoing
      incoming
      ratio
      level
      warning
      limit
      days {
        day
        outgoing
        incoming
        cumulativeOutgoing
        cumulativeIncoming
        ratio
      }
    }
  }
`);

const MmsRatioPolicy = graphql(`
  query MmsRatioPolicy {
    mmsPolicy {
      ratioCarrier
      ratioCycleDays
      ratioMinOutgoing
    }
  }
`);

const RatioCustomers = graphql(`
  query RatioCustomers {
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

const CheckMmsRatios = graphql(`
  mutation CheckMmsRatios($asOf: NaiveDate) {
    checkMmsRatios(asOf: $asOf) {
      customersChecked
      alertsRaised
    }
  }
`);

function StatCard({ label, children, hint, testId }: { label: string; children: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Card withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} mt={4} component="div" data-testid={testId}>
        {children}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" mt={2} component="div">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** `/mms-ratio`: a customer's AT&T outgoing-to-incoming MMS ratio in the cycle holding a day. */
export function MmsRatio() {
  const session = useSignedIn();
  const [filters, update] = useUrlFilters(parseRatioFilters, ratioFiltersToParams);
  const pickCustomer = can(session.role, 'customer.list');
  const customerId = pickCustomer ? filters.customer : session.customerId;

  const [customers] = useQuery({ query: RatioCustomers, pause: !pickCustomer });
  const [policy] = useQuery({ query: MmsRatioPolicy });
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MmsRatioQuery,
    variables: { customerId, asOf: filters.asOf || null },
    pause: !customerId,
  });
  const [checking, check] = useMutation(CheckMmsRatios);

  const r = customerId ? data?.mmsRatio : undefined;
  const points = useMemo(() => ratioSeries(r?.days ?? []), [r]);
  const warning = parseDecimal(r?.warning);
  const limit = parseDecimal(r?.limit);
  const carrier = policy.data?.mmsPolicy.ratioCarrier ?? 'ATT';
  const minOutgoing = policy.data?.mmsPolicy.ratioMinOutgoing;
  const asOf = filters.asOf || utcDay(new Date());
  const progress = cycleProgress(r?.cycleStart, r?.cycleEnd, asOf);
  const customerName = pickCustomer
    ? customers.data?.customers.edges.find((e) => e.node.id === customerId)?.node.name
    : session.customerName;

  async function runCheck() {
    const result = await check({ asOf: filters.asOf || null });
    if (result.error || !result.data) {
      notifications.show({ color: 'red', title: 'Check failed', message: errorMessages(result.error).join(' ') });
      return;
    }
    const c = result.data.checkMmsRatios;
    notifications.show({
      color: 'teal',
      title: 'Ratios checked',
      message: `${formatCount(c.customersChecked)} customer(s) checked, ${formatCount(c.alertsRaised)} alert(s) raised.`,
    });
  }

  return (
    <>
      <PageHeader
        title={`${carrier === 'ATT' ? 'AT&T' : carrier} MMS ratio`}
        subtitle={`Outgoing to incoming MMS with ${carrier === 'ATT' ? 'AT&T' : carrier} subscribers per ${
          policy.data?.mmsPolicy.ratioCycleDays ?? 90
        }-day cycle, counted from the customer's first MMS with the carrier. Rejected and cancelled MMS and exempt use cases do not count.`}
        actions={
          <>
            {can(session.role, 'ratio.check') && (
              <Button variant="light" size="xs" leftSection={<IconRefresh size={14} />} loading={checking.fetching} onClick={runCheck}>
                Check every customer now
              </Button>
            )}
            <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={!customerId || fetching}>
              Refresh
            </Button>
          </>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: pickCustomer ? 2 : 1 }} spacing="sm" maw={pickCustomer ? 720 : 360}>
          {pickCustomer && (
            <Select
              label="Customer"
              placeholder={customers.fetching && !customers.data ? 'Loading…' : 'Choose a customer'}
              data={(customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }))}
              value={filters.customer}
              onChange={(v) => update({ customer: v })}
              searchable
              nothingFoundMessage="No customer by that name"
              data-testid="ratio-customer"
            />
          )}
          <TextInput
            type="date"
            label="As of"
            description="The cycle holding this day, counted to its end (UTC; today when empty)"
            value={filters.asOf}
            onChange={(e) => update({ asOf: e.currentTarget.value })}
            data-testid="ratio-as-of"
          />
        </SimpleGrid>
      </Paper>

      {!customerId && (
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} data-testid="ratio-choose">
          Choose a customer to see its ratio.
        </Alert>
      )}
      <ErrorAlert error={customerId ? error : undefined} title="The ratio could not be loaded" />
      {customerId && fetching && !data && (
        <Stack gap="md" aria-busy="true" aria-label="Loading ratio" data-testid="loading">
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            {Array.from({ length: 5 }, (_, i) => (
              <Skeleton key={i} height={92} radius="md" />
            ))}
          </SimpleGrid>
          <Skeleton height={320} radius="md" />
        </Stack>
      )}
      {r && (
        <Stack gap="md" data-testid="ratio-report">
          <SimpleGrid cols={{ base: 2, md: 5 }} spacing="md">
            <StatCard
              label="Cycle"
              testId="ratio-cycle"
              hint={progress ? `day ${progress.day} of ${progress.of}` : 'starts with the first MMS with the carrier'}
            >
              {r.cycleStart ? (
                <Text fw={700} size="md">
                  {formatDate(r.cycleStart)} – {formatDate(r.cycleEnd)}
                </Text>
              ) : (
                <Text c="dimmed" fw={600} size="md">
                  not started
                </Text>
              )}
            </StatCard>
            <StatCard label="Outgoing" testId="ratio-outgoing" hint="MT MMS to the carrier's subscribers">
              {formatCount(r.outgoing)}
            </StatCard>
            <StatCard label="Incoming" testId="ratio-incoming" hint="MO MMS from them">
              {formatCount(r.incoming)}
            </StatCard>
            <StatCard
              label="Ratio"
              testId="ratio-value"
              hint={`warning past ${formatRatioValue(r.warning)}, limit ${formatRatioValue(r.limit)}`}
            >
              {r.ratio === null || r.ratio === undefined ? (
                <Text c="dimmed" fw={600} size="md" data-testid="ratio-none">
                  {NO_INCOMING}
                </Text>
              ) : (
                formatRatioValue(r.ratio)
              )}
            </StatCard>
            <StatCard
              label="Level"
              hint={
                minOutgoing !== undefined && r.outgoing < minOutgoing
                  ? `no level before ${formatCount(minOutgoing)} outgoing MMS in a cycle`
                  : 'exactly at the limit is within'
              }
            >
              <Badge size="xl" radius="sm" variant="light" color={RATIO_LEVEL_COLORS[r.level]} data-testid="ratio-level">
                {RATIO_LEVEL_LABELS[r.level]}
              </Badge>
            </StatCard>
          </SimpleGrid>

          <Paper withBorder radius="md" p="lg" data-testid="ratio-chart-card">
            <Title order={4}>Cumulative ratio by day</Title>
            <Text size="xs" c="dimmed" mb="md">
              Outgoing per incoming MMS since the cycle began{customerName ? `, ${customerName}` : ''}; a gap while nothing has come
              in yet (no ratio, which is not 0).
            </Text>
            {points.length === 0 ? (
              <Text c="dimmed" size="sm" ta="center" py="xl" data-testid="ratio-chart-empty">
                {r.cycleStart ? 'No day of this cycle is counted yet.' : 'No MMS with the carrier yet: the first one starts the cycle.'}
              </Text>
            ) : points.every((p) => p.ratio === null) ? (
              <Text c="dimmed" size="sm" ta="center" py="xl" data-testid="ratio-chart-empty">
                No incoming MMS yet in this cycle: the ratio starts with the first one.
              </Text>
            ) : (
              <LineChart
                h={320}
                data={points}
                dataKey="label"
                series={[{ name: 'ratio', label: 'Cumulative ratio', color: 'indigo.6' }]}
                curveType="linear"
                connectNulls={false}
                withDots={points.length <= 31}
                valueFormatter={(v) => formatRatioValue(String(v))}
                yAxisProps={{ domain: [0, ratioAxisMax(points, limit)], tickFormatter: (v: number) => formatRatioValue(String(v)) }}
                referenceLines={[
                  ...(warning !== null
                    ? [{ y: warning, label: `Warning ${formatRatioValue(r.warning)}`, color: 'orange.6', labelPosition: 'insideTopLeft' as const }]
                    : []),
                  ...(limit !== null ? [{ y: limit, label: `Limit ${formatRatioValue(r.limit)}`, color: 'red.6', labelPosition: 'insideTopLeft' as const }] : []),
                ]}
                data-testid="ratio-chart"
              />
            )}
          </Paper>
        </Stack>
      )}
    </>
  );
}
