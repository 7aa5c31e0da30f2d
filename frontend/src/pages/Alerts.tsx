import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconCheck,
  IconCircleCheck,
  IconFilterOff,
  IconInfoCircle,
  IconMailX,
} from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { AlertsQuery } from '../../generated/gql/graphql';
import { errorMessages } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import {
  ALERT_PAGE_SIZES,
  alertFiltersToParams,
  alertKindLabel,
  alertsVariables,
  DELIVERY_STATE_LABELS,
  DELIVERY_STATES,
  deliveryStatus,
  hasAlertFilters,
  kindOptions,
  noAlertFilters,
  parseAlertFilters,
  SEVERITY_COLORS,
  SEVERITY_LABELS,
  severityOf,
  withAcknowledged,
  type AckFilter,
  type DeliveryState,
} from '../lib/alerts';
import { formatDateTime } from '../lib/format';
import { currentAfter, firstPage, pageNumber, type PageState } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';

const AlertsQueryDoc = graphql(`
  query Alerts($kind: String, $customerId: ID, $state: String, $acknowledged: Boolean, $first: Int!, $after: String) {
    alerts(kind: $kind, customerId: $customerId, state: $state, acknowledged: $acknowledged, first: $first, after: $after) {
      edges {
        node {
          id
          kind
          severity
          subject
          detail
          customerId
          leaseId
          recipient
          state
          attempts
          lastError
          nextAttemptAt
          createdAt
          emailedAt
          acknowledgedAt
          acknowledgedBy
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const AlertCustomers = graphql(`
  query AlertCustomers {
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

const AcknowledgeAlert = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      id
      kind
      severity
      subject
      detail
      customerId
      leaseId
      recipient
      state
      attempts
      lastError
      nextAttemptAt
      createdAt
      emailedAt
      acknowledgedAt
      acknowledgedBy
    }
  }
`);

type AlertRow = AlertsQuery['alerts']['edges'][number]['node'];

const COLUMNS = 6;

/** `/alerts` (account managers and admins): alerts newest first, filtered in the URL, acknowledged from the row. */
export function Alerts() {
  const session = useSignedIn();
  const acknowledge = can(session.role, 'alert.acknowledge');
  const [filters, update] = useUrlFilters(parseAlertFilters, alertFiltersToParams);
  const [customers] = useQuery({ query: AlertCustomers });
  const customerOptions = useMemo(
    () => (customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name })),
    [customers.data],
  );
  const customerNames = useMemo(() => new Map(customerOptions.map((o) => [o.value, o.label])), [customerOptions]);

  // Pages (and the rows acknowledged on them) belong to one set of filters.
  const variables = alertsVariables(filters);
  const key = JSON.stringify([variables, filters.pageSize]);
  const [paging, setPaging] = useState<{ key: string; page: PageState; acked: Map<string, AlertRow> }>({
    key,
    page: firstPage,
    acked: new Map(),
  });
  const current = paging.key === key ? paging : { key, page: firstPage, acked: new Map<string, AlertRow>() };
  const setPage = (p: PageState) => setPaging({ key, page: p, acked: new Map() });
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AlertsQueryDoc,
    variables: { ...variables, first: filters.pageSize, after: currentAfter(current.page) },
  });
  const served = data?.alerts.edges.map((e) => e.node) ?? [];
  const rows = withAcknowledged(served, current.acked, pageNumber(current.page) === 1);
  const info = data?.alerts.pageInfo;
  const filtered = hasAlertFilters(filters);

  const [ackState, acknowledgeAlert] = useMutation(AcknowledgeAlert);
  const [acking, setAcking] = useState<string | null>(null);
  async function ack(a: AlertRow) {
    setAcking(a.id);
    const r = await acknowledgeAlert({ id: a.id });
    setAcking(null);
    if (r.error || !r.data) {
      notifications.show({ color: 'red', icon: <IconAlertTriangle size={16} />, title: 'Not acknowledged', message: errorMessages(r.error).join(' ') });
      return;
    }
    const done = r.data.acknowledgeAlert;
    setPaging({ key, page: current.page, acked: new Map(current.acked).set(done.id, done) });
    notifications.show({ color: 'teal', icon: <IconCircleCheck size={16} />, title: 'Alert acknowledged', message: done.subject });
  }

  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle="What someone must act on (silent short codes, ratios, forecasts, failed jobs, slow carriers), newest first, with where its email went."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <Select
            label="Kind"
            placeholder="Any kind"
            data={kindOptions(filters.kind)}
            value={filters.kind}
            onChange={(v) => update({ kind: v })}
            searchable
            clearable
            data-testid="alerts-kind"
          />
          <Select
            label="Customer"
            placeholder={customers.fetching && !customers.data ? 'Loading…' : 'All customers'}
            data={customerOptions}
            value={filters.customer}
            onChange={(v) => update({ customer: v })}
            searchable
            clearable
            nothingFoundMessage="No customer by that name"
            data-testid="alerts-customer"
          />
          <Select
            label="Email"
            placeholder="Any state"
            data={DELIVERY_STATES.map((s) => ({ value: s, label: DELIVERY_STATE_LABELS[s] }))}
            value={filters.state}
            onChange={(v) => update({ state: (v as DeliveryState | null) ?? null })}
            clearable
            data-testid="alerts-state"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="alerts-ack-label">
              Acknowledged
            </Text>
            <SegmentedControl
              fullWidth
              aria-labelledby="alerts-ack-label"
              data={[
                { value: 'open', label: 'Open' },
                { value: 'done', label: 'Acknowledged' },
                { value: 'all', label: 'All' },
              ]}
              value={filters.ack}
              onChange={(v) => update({ ack: v as AckFilter })}
              data-testid="alerts-ack"
            />
          </Stack>
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="xs" c="dimmed">
            Operators' alerts (jobs, carriers) have no customer. The address bar keeps the filters.
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconFilterOff size={14} />}
            disabled={!filtered}
            onClick={() => update({ ...noAlertFilters, pageSize: filters.pageSize })}
          >
            Clear filters
          </Button>
        </Group>
      </Paper>

      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error} title="The alerts could not be loaded" />
        {fetching && !data ? (
          <TableSkeleton label="Loading alerts" rows={6} />
        ) : (
          <Table.ScrollContainer minWidth={1040}>
            <Table verticalSpacing="sm" data-testid="alerts-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Severity</Table.Th>
                  <Table.Th>Alert</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Raised</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Acknowledged</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((a) => (
                  <AlertTableRow
                    key={a.id}
                    alert={a}
                    customerName={a.customerId ? (customerNames.get(a.customerId) ?? `customer #${a.customerId}`) : null}
                    onAcknowledge={acknowledge ? () => ack(a) : null}
                    acknowledging={acking === a.id && ackState.fetching}
                  />
                ))}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS}>
                      <Text c="dimmed" ta="center" py="lg" data-testid="alerts-empty">
                        {filtered ? 'No alert matches these filters.' : 'Nothing to acknowledge: every alert has been handled.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <PagerFooter
          pageSizes={ALERT_PAGE_SIZES}
          pageSize={filters.pageSize}
          onPageSize={(size) => update({ pageSize: size })}
          page={current.page}
          onPage={setPage}
          rows={served.length}
          hasNextPage={info?.hasNextPage}
          endCursor={info?.endCursor}
          fetching={fetching}
          refreshing={fetching && !!data}
        />
      </Paper>
    </>
  );
}

function AlertTableRow({
  alert: a,
  customerName,
  onAcknowledge,
  acknowledging,
}: {
  alert: AlertRow;
  customerName: string | null;
  onAcknowledge: (() => void) | null;
  acknowledging: boolean;
}) {
  const severity = severityOf(a.severity);
  const delivery = deliveryStatus(a);
  return (
    <Table.Tr data-testid={`alert-${a.id}`} data-severity={severity} data-acknowledged={a.acknowledgedAt ? 'yes' : 'no'}>
      <Table.Td>
        <Badge
          color={SEVERITY_COLORS[severity]}
          variant={severity === 'critical' ? 'filled' : 'light'}
          leftSection={severity === 'info' ? <IconInfoCircle size={12} aria-hidden /> : <IconAlertTriangle size={12} aria-hidden />}
          style={{ minWidth: 'max-content' }}
          data-testid="alert-severity"
        >
          {SEVERITY_LABELS[severity]}
        </Badge>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" fw={600} data-testid="alert-subject">
          {a.subject}
        </Text>
        <Text size="sm" data-testid="alert-detail">
          {a.detail}
        </Text>
        <Text size="xs" c="dimmed" data-testid="alert-kind">
          {alertKindLabel(a.kind)} · #{a.id}
        </Text>
      </Table.Td>
      <Table.Td>
        {a.customerId && customerName ? (
          <Anchor component={Link} to={`/customers/${a.customerId}`} size="sm">
            {customerName}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            Operators
          </Text>
        )}
        {a.leaseId && (
          <Anchor component={Link} to="/short-codes" size="xs" display="block">
            lease #{a.leaseId}
          </Anchor>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(a.createdAt)}</Table.Td>
      <Table.Td maw={280} data-testid="alert-delivery" data-delivery={delivery.level}>
        <Badge
          color={delivery.color}
          variant={delivery.level === 'failed' ? 'filled' : 'light'}
          leftSection={delivery.level === 'failed' ? <IconMailX size={12} aria-hidden /> : undefined}
          style={{ minWidth: 'max-content' }}
          data-testid="alert-delivery-state"
        >
          {delivery.label}
        </Badge>
        {a.recipient && (
          <Text size="xs" data-testid="alert-recipient">
            to {a.recipient}
          </Text>
        )}
        {a.emailedAt && (
          <Text size="xs" c="dimmed">
            {formatDateTime(a.emailedAt)}
          </Text>
        )}
        {a.lastError && delivery.level !== 'sent' && (
          <Text size="xs" c="red" data-testid="alert-last-error">
            {a.lastError}
          </Text>
        )}
        {delivery.level === 'retrying' && a.nextAttemptAt && (
          <Text size="xs" c="dimmed">
            next try {formatDateTime(a.nextAttemptAt)}
          </Text>
        )}
      </Table.Td>
      <Table.Td data-testid="alert-ack">
        {a.acknowledgedAt ? (
          <Stack gap={0}>
            <Group gap={4} wrap="nowrap">
              <IconCheck size={14} color="var(--mantine-color-teal-7)" aria-hidden />
              <Text size="sm">Acknowledged</Text>
            </Group>
            <Text size="xs" c="dimmed" data-testid="alert-acknowledged-by">
              by {a.acknowledgedBy ?? 'someone'}, {formatDateTime(a.acknowledgedAt)}
            </Text>
          </Stack>
        ) : onAcknowledge ? (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconCheck size={14} />}
            onClick={onAcknowledge}
            loading={acknowledging}
            aria-label={`Acknowledge: ${a.subject}`}
          >
            Acknowledge
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            open
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
