import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Alert, Button, Group, Paper, SegmentedControl, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { formatMoney } from '../lib/format';
import { periodLabel } from '../lib/invoices';
import {
  changePercent,
  currenciesOf,
  formatChange,
  recentPeriods,
  revenueByCustomer,
  revenueByKind,
  type RevenueChart,
} from '../lib/revenue';

const RevenueQuery = graphql(`
  query Revenue($months: Int!) {
    billingSummary(months: $months) {
      customerId
      period
      state
      total
      currency
    }
    invoices(first: 100) {
      edges {
        node {
          id
          period
          state
          currency
          lines {
            id
            section
            messageKind
            amount
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
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

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'red.6', 'gray.5'];
const KIND_COLORS: Record<string, string> = { sms: 'indigo.6', mms: 'grape.6', carrierFees: 'orange.6', oneTime: 'teal.6' };

/** `/revenue`: invoiced totals per month, by customer and by message kind. */
export function Revenue() {
  const [months, setMonths] = useState('12');
  const [includeDrafts, setIncludeDrafts] = useState(true);
  const [{ data, fetching, error }, refetch] = useQuery({ query: RevenueQuery, variables: { months: Number(months) } });
  const names = useMemo(() => new Map((data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])), [data]);
  const currencies = useMemo(() => currenciesOf(data?.billingSummary ?? []), [data]);
  const [chosenCurrency, setCurrency] = useState<string | null>(null);
  const currency = chosenCurrency && currencies.includes(chosenCurrency) ? chosenCurrency : (currencies[0] ?? 'USD');
  const periods = useMemo(() => recentPeriods(Number(months)), [months]);
  const options = { currency, includeDrafts };
  const byCustomer = data ? revenueByCustomer(data.billingSummary, periods, (id) => names.get(id) ?? `customer #${id}`, options) : null;
  const byKind = data ? revenueByKind(data.invoices.edges.map((e) => e.node), periods, options) : null;

  return (
    <>
      <PageHeader
        title="Revenue"
        subtitle="What was invoiced each month (UTC calendar months): issued invoices, and drafts unless left out; void invoices, credited in full, count as nothing. Partial credit notes are not deducted."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Options">
        <Group gap="lg" align="flex-end">
          <div>
            <Text size="sm" fw={500} mb={4} id="revenue-months-label">
              Months
            </Text>
            <SegmentedControl
              value={months}
              onChange={setMonths}
              data={['6', '12', '24']}
              aria-labelledby="revenue-months-label"
              data-testid="revenue-months"
            />
          </div>
          {currencies.length > 1 && (
            <Select label="Currency" data={currencies} value={currency} onChange={setCurrency} allowDeselect={false} w={120} />
          )}
          <Switch
            label="Include drafts"
            checked={includeDrafts}
            onChange={(e) => setIncludeDrafts(e.currentTarget.checked)}
            data-testid="revenue-drafts"
          />
        </Group>
      </Paper>
      <ErrorAlert error={error} title="The revenue could not be loaded" />
      {fetching && !data && <TableSkeleton rows={8} label="Loading revenue" />}
      {data && byCustomer && byKind && (
        <Stack gap="lg">
          {data.invoices.pageInfo.hasNextPage && (
            <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />}>
              The split by message kind is read from the newest 100 invoices; older months may be incomplete there.
            </Alert>
          )}
          <ChartPanel
            title="By customer"
            subtitle={`Each customer's invoice total per month, ${currency}; the six largest over the range by name, the rest as Others.`}
            chart={byCustomer}
            colors={(i) => COLORS[i % COLORS.length] ?? 'gray.5'}
            currency={currency}
            testId="revenue-by-customer"
          />
          <ChartPanel
            title="By message kind"
            subtitle={`Invoice lines per month, ${currency}: message charges by kind, carrier pass-through fees and one-time charges.`}
            chart={byKind}
            colors={(_, name) => KIND_COLORS[name] ?? 'gray.5'}
            currency={currency}
            testId="revenue-by-kind"
          />
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="revenue-months-title">
            <Title order={4} id="revenue-months-title" mb="sm">
              Month by month
            </Title>
            <Table verticalSpacing={4} data-testid="revenue-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Month</Table.Th>
                  <Table.Th ta="right">Invoiced</Table.Th>
                  <Table.Th ta="right">Against the month before</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...byCustomer.totals].reverse().map((t, i, all) => {
                  const before = all[i + 1]?.total ?? null;
                  return (
                    <Table.Tr key={t.period} data-testid={`revenue-${t.period}`}>
                      <Table.Td>{periodLabel(t.period)}</Table.Td>
                      <Table.Td ta="right" ff="monospace" data-testid="revenue-total">
                        {formatMoney(t.total, currency)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {before === null ? '—' : formatChange(changePercent(t.total, before))}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Paper>
        </Stack>
      )}
    </>
  );
}

function ChartPanel({
  title,
  subtitle,
  chart,
  colors,
  currency,
  testId,
}: {
  title: string;
  subtitle: string;
  chart: RevenueChart;
  colors: (index: number, name: string) => string;
  currency: string;
  testId: string;
}) {
  const money = (v: number) => `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(v)} ${currency}`;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={`Revenue ${title.toLowerCase()}`} data-testid={testId}>
      <Title order={4}>{title}</Title>
      <Text size="xs" c="dimmed" mb="md">
        {subtitle}
      </Text>
      {chart.series.length === 0 ? (
        <Text c="dimmed" ta="center" py="xl" data-testid={`${testId}-empty`}>
          Nothing invoiced in these months.
        </Text>
      ) : (
        <BarChart
          h={300}
          data={chart.data}
          dataKey="label"
          type="stacked"
          series={chart.series.map((s, i) => ({ name: s.name, label: s.label, color: colors(i, s.name) }))}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 40 }}
          valueFormatter={money}
          maxBarWidth={48}
        />
      )}
    </Paper>
  );
}
