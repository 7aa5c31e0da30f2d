import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCircleCheck, IconFilterOff, IconPlayerPlay } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { InvoiceFilter, InvoiceState, RunInvoicesMutation } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { InvoiceStateBadge } from '../components/invoices';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { formatDate, formatDateTime, formatMoney } from '../lib/format';
import {
  currentPeriod,
  hasInvoiceFilters,
  INVOICE_PAGE_SIZES,
  INVOICE_STATE_LABELS,
  INVOICE_STATES,
  invoiceFiltersToParams,
  invoiceNumber,
  noInvoiceFilters,
  parseInvoiceFilters,
  periodError,
  periodLabel,
  periodOptions,
  runVariables,
  type RunValues,
} from '../lib/invoices';
import { draftChanges, formatChange } from '../lib/revenue';
import { currentAfter } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';
import { usePageFor } from '../hooks/usePageFor';

const InvoicesQuery = graphql(`
  query Invoices($first: Int!, $after: String, $filter: InvoiceFilter!) {
    invoices(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id
          customerId
          period
          currency
          state
          number
          total
          balance
          issuedAt
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const InvoiceFilterCustomers = graphql(`
  query InvoiceFilterCustomers {
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

const RunInvoices = graphql(`
  mutation RunInvoices($period: String!, $customerId: ID) {
    runInvoices(period: $period, customerId: $customerId) {
      run {
        id
        period
        customerId
        startedBy
        startedAt
        finishedAt
        status
        invoices
        error
      }
      invoices {
        id
        customerId
        period
        currency
        state
        number
        total
        balance
      }
    }
  }
`);

const InvoiceDrafts = graphql(`
  query InvoiceDrafts {
    billingSummary(months: 4) {
      customerId
      period
      state
      number
      total
      currency
    }
    invoiceRuns(first: 5) {
      id
      period
      customerId
      status
      invoices
      startedAt
      startedBy
      finishedAt
      error
    }
  }
`);

const COLUMNS = 7;

/** `/invoices`: invoices newest first, filtered in the URL; finance and admins run a month. */
export function Invoices() {
  const session = useSignedIn();
  const navigate = useNavigate();
  const [filters, update] = useUrlFilters(parseInvoiceFilters, invoiceFiltersToParams);
  const pickCustomer = can(session.role, 'customer.list');
  const write = can(session.role, 'invoice.write');

  const [customers] = useQuery({ query: InvoiceFilterCustomers, pause: !pickCustomer });
  const customerOptions = useMemo(
    () => (customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name })),
    [customers.data],
  );
  const customerNames = useMemo(() => new Map(customerOptions.map((o) => [o.value, o.label])), [customerOptions]);
  const customerName = (id: string) => (pickCustomer ? (customerNames.get(id) ?? `customer #${id}`) : (session.customerName ?? `customer #${id}`));

  const apiFilter: InvoiceFilter = {
    customerId: pickCustomer ? filters.customer : null,
    period: filters.period,
    state: filters.state,
  };
  // Pages belong to one set of filters: a change of filter starts again at the first page.
  const key = JSON.stringify([apiFilter, filters.pageSize]);
  const [page, setPage] = usePageFor(key);

  const [{ data, fetching, error }, refetch] = useQuery({
    query: InvoicesQuery,
    variables: { first: filters.pageSize, after: currentAfter(page), filter: apiFilter },
  });
  const rows = data?.invoices.edges.map((e) => e.node) ?? [];
  const info = data?.invoices.pageInfo;
  const filtered = hasInvoiceFilters(filters);

  return (
    <>
      <PageHeader
        title="Invoices"
        subtitle={
          session.role === 'CUSTOMER'
            ? 'Your issued invoices and their credit notes, newest first.'
            : 'Monthly invoices per customer, newest first: drafts until issued, then numbered and immutable.'
        }
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      {write && <DraftsPanel customerName={customerName} />}
      {write && (
        <RunInvoicesForm
          customers={customerOptions}
          customerName={customerName}
          onRun={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          {pickCustomer && (
            <Select
              label="Customer"
              placeholder={customers.fetching && !customers.data ? 'Loading…' : 'All customers'}
              data={customerOptions}
              value={filters.customer}
              onChange={(v) => update({ customer: v })}
              searchable
              clearable
              nothingFoundMessage="No customer by that name"
              data-testid="invoices-customer"
            />
          )}
          <Select
            label="Period"
            placeholder="Any month"
            data={periodOptions(filters.period)}
            value={filters.period}
            onChange={(v) => update({ period: v })}
            searchable
            clearable
            data-testid="invoices-period"
          />
          <Select
            label="State"
            placeholder="Any state"
            data={INVOICE_STATES.filter((s) => session.role !== 'CUSTOMER' || s !== 'DRAFT').map((s) => ({
              value: s,
              label: INVOICE_STATE_LABELS[s],
            }))}
            value={filters.state}
            onChange={(v) => update({ state: (v as InvoiceState | null) ?? null })}
            clearable
            data-testid="invoices-state"
          />
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="xs" c="dimmed">
            Periods are calendar months in UTC. The address bar keeps the filters, so a filtered view can be shared.
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconFilterOff size={14} />}
            disabled={!filtered}
            onClick={() => update({ ...noInvoiceFilters, pageSize: filters.pageSize })}
          >
            Clear filters
          </Button>
        </Group>
      </Paper>

      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error} title="Invoices could not be loaded" />
        {fetching && !data ? (
          <TableSkeleton label="Loading invoices" rows={6} />
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="invoices-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Number</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Balance</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((i) => (
                  <Table.Tr
                    key={i.id}
                    data-testid={`invoice-${i.id}`}
                    style={{ cursor: 'pointer' }}
                    onClick={() => navigate(`/invoices/${i.id}`)}
                  >
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/invoices/${i.id}`}
                        ff={i.number ? 'monospace' : undefined}
                        size="sm"
                        fw={600}
                        onClick={(e) => e.stopPropagation()}
                        data-testid="invoice-number"
                      >
                        {invoiceNumber(i.number)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{customerName(i.customerId)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Tooltip label={i.period}>
                        <span>{periodLabel(i.period)}</span>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <InvoiceStateBadge state={i.state} data-testid="invoice-state" />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {i.issuedAt ? (
                        formatDate(i.issuedAt)
                      ) : (
                        <Text size="xs" c="dimmed">
                          updated {formatDateTime(i.updatedAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="invoice-total">
                      {formatMoney(i.total, i.currency)}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="invoice-balance">
                      {formatMoney(i.balance, i.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS}>
                      <Text c="dimmed" ta="center" py="lg" data-testid="invoices-empty">
                        {filtered
                          ? 'No invoices match these filters.'
                          : write
                            ? 'No invoices yet. Run a month to draft its invoices.'
                            : 'No invoices yet.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <PagerFooter
          pageSizes={INVOICE_PAGE_SIZES}
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
    </>
  );
}

/**
 * The drafts of the last months with their totals and the change against the customer's
 * previous month, and the latest runs: what finance checks before issuing.
 */
function DraftsPanel({ customerName }: { customerName: (id: string) => string }) {
  const context = useMemo(() => ({ additionalTypenames: ['Invoice', 'InvoiceRun'] }), []);
  const [{ data, error }] = useQuery({ query: InvoiceDrafts, context });
  const drafts = useMemo(() => draftChanges(data?.billingSummary ?? []), [data]);
  if (error) return <ErrorAlert error={error} title="The drafts could not be loaded" />;
  if (!data) return null;
  return (
    <Paper withBorder radius="md" p="md" mb="md" component="section" aria-labelledby="drafts-title" data-testid="drafts-panel">
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="lg">
        <Stack gap="xs" style={{ gridColumn: 'span 2' }}>
          <Title order={4} id="drafts-title">
            Drafts to review
          </Title>
          {drafts.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="drafts-empty">
              No draft waiting: every invoice of the last months is issued.
            </Text>
          ) : (
            <Table verticalSpacing={4} data-testid="drafts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th ta="right">Month before</Table.Th>
                  <Table.Th ta="right">Change</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {drafts.map((d) => (
                  <Table.Tr key={`${d.draft.customerId}-${d.draft.period}`} data-testid={`draft-${d.draft.customerId}-${d.draft.period}`}>
                    <Table.Td>{customerName(d.draft.customerId)}</Table.Td>
                    <Table.Td>{periodLabel(d.draft.period)}</Table.Td>
                    <Table.Td ta="right" ff="monospace" data-testid="draft-total">
                      {formatMoney(d.draft.total, d.draft.currency)}
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" data-testid="draft-previous">
                      {d.previous ? formatMoney(d.previous.total, d.previous.currency) : '—'}
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      ff="monospace"
                      c={d.percent === null ? 'dimmed' : d.percent > 0 ? 'teal' : d.percent < 0 ? 'red' : undefined}
                      data-testid="draft-change"
                    >
                      {d.change === null ? 'no invoice before' : `${formatMoney(d.change, d.draft.currency)} (${formatChange(d.percent)})`}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
        <Stack gap="xs">
          <Title order={4}>Latest runs</Title>
          {data.invoiceRuns.length === 0 && (
            <Text size="sm" c="dimmed">
              No run yet.
            </Text>
          )}
          {data.invoiceRuns.map((r) => (
            <div key={r.id} data-testid={`invoice-run-${r.id}`}>
              <Group gap={6}>
                <Text size="sm" fw={600}>
                  #{r.id} · {periodLabel(r.period)}
                </Text>
                <Text size="xs" fw={600} c={r.status === 'failed' ? 'red' : r.status === 'running' ? 'blue' : 'teal'}>
                  {r.status}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                {r.customerId ? customerName(r.customerId) : 'every customer'} · {r.invoices} invoice(s) · {formatDateTime(r.startedAt)} by{' '}
                {r.startedBy}
              </Text>
              {r.error && (
                <Text size="xs" c="red">
                  {r.error}
                </Text>
              )}
            </div>
          ))}
        </Stack>
      </SimpleGrid>
    </Paper>
  );
}

type RunResult = RunInvoicesMutation['runInvoices'];

function RunInvoicesForm({
  customers,
  customerName,
  onRun,
}: {
  customers: { value: string; label: string }[];
  customerName: (id: string) => string;
  onRun: () => void;
}) {
  const form = useForm<RunValues>({
    mode: 'controlled',
    initialValues: { period: currentPeriod(), customerId: '' },
    validate: { period: periodError },
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [result, setResult] = useState<RunResult | null>(null);
  const [{ fetching }, run] = useMutation(RunInvoices);

  async function submit(values: RunValues) {
    setGeneral([]);
    setResult(null);
    const r = await run(runVariables(values));
    if (r.error) {
      const split = splitErrors(r.error, ['period', 'customerId']);
      form.setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    if (!r.data) return;
    setResult(r.data.runInvoices);
    notifications.show({
      color: 'teal',
      icon: <IconCircleCheck size={16} />,
      title: `${periodLabel(r.data.runInvoices.run.period)} invoiced`,
      message: `${r.data.runInvoices.invoices.length} invoice(s) drafted or already issued.`,
    });
    onRun();
  }

  return (
    <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Run invoices">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            label="Period"
            placeholder="YYYY-MM"
            description="A calendar month (UTC)"
            withAsterisk
            w={160}
            data-testid="run-period"
            {...form.getInputProps('period')}
          />
          <Select
            label="Customer"
            description="Leave empty for every customer"
            placeholder="All customers"
            data={customers}
            searchable
            clearable
            w={260}
            data-testid="run-customer"
            {...form.getInputProps('customerId')}
            value={form.values.customerId || null}
            onChange={(v) => form.setFieldValue('customerId', v ?? '')}
          />
          <Stack gap={4} pt={44}>
            <Button type="submit" leftSection={<IconPlayerPlay size={16} />} loading={fetching} data-testid="run-invoices">
              Run invoices
            </Button>
          </Stack>
        </Group>
        <Text size="xs" c="dimmed" mt="xs">
          A run drafts each customer's invoice for the month from its rated traffic and one-time charges; running again
          replaces drafts exactly and leaves issued invoices as they are.
        </Text>
      </form>
      {general.length > 0 && (
        <Alert color="red" variant="light" title="Not run" icon={<IconAlertTriangle size={18} />} role="alert" mt="sm">
          <List size="sm">
            {general.map((m) => (
              <List.Item key={m}>{m}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {result && <RunResultView result={result} customerName={customerName} />}
    </Paper>
  );
}

function RunResultView({ result, customerName }: { result: RunResult; customerName: (id: string) => string }) {
  const { run, invoices } = result;
  const failed = run.status === 'failed';
  return (
    <Stack gap="xs" mt="md" data-testid="run-result">
      <Group gap="xs">
        <Title order={5}>
          Run #{run.id}: {periodLabel(run.period)}
          {run.customerId ? ` for ${customerName(run.customerId)}` : ', every customer'}
        </Title>
        <Text size="sm" c={failed ? 'red' : 'teal'} fw={600} data-testid="run-status">
          {run.status}
        </Text>
      </Group>
      <Text size="xs" c="dimmed">
        Started {formatDateTime(run.startedAt)} by {run.startedBy}
        {run.finishedAt ? `, finished ${formatDateTime(run.finishedAt)}` : ''} · {run.invoices} invoice(s)
      </Text>
      {run.error && (
        <Alert color="red" variant="light" title="The run failed" icon={<IconAlertTriangle size={18} />}>
          {run.error}
        </Alert>
      )}
      {invoices.length === 0 && !failed && (
        <Text size="sm" c="dimmed">
          Nothing to invoice: no rated traffic or one-time charges in this month.
        </Text>
      )}
      {invoices.length > 0 && (
        <Table verticalSpacing={4} data-testid="run-invoices-table">
          <Table.Tbody>
            {invoices.map((i) => (
              <Table.Tr key={i.id} data-testid={`run-invoice-${i.id}`}>
                <Table.Td>
                  <Anchor component={Link} to={`/invoices/${i.id}`} size="sm" fw={600}>
                    {invoiceNumber(i.number)} · {customerName(i.customerId)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <InvoiceStateBadge state={i.state} />
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatMoney(i.total, i.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
