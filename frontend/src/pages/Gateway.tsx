import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton, HintedStat } from '../components/common';
import { useCarrierNames } from '../components/messages';
import { usePolling } from '../hooks/usePolling';
import { can } from '../lib/access';
import { carrierLabel, formatCount, formatDuration, formatRatio, totals, utcDay } from '../lib/analytics';
import { formatDateTime, formatTime } from '../lib/format';
import {
  averagePerMinute,
  bindAge,
  bindsByAccount,
  bindTypeLabel,
  formatPerMinute,
  formatRate,
  latencyLevel,
  REFRESH_MS,
  snapshot,
  sortSessions,
  throughput,
  type Snapshot,
} from '../lib/gateway';

const GatewaySessions = graphql(`
  query GatewaySessions {
    smppSessions {
      sessionId
      systemId
      customerId
      bindType
      peer
      boundAt
    }
  }
`);

const GatewayCarriers = graphql(`
  query GatewayCarriers($filter: DeliveryStatsFilter!) {
    deliveryStats(filter: $filter, groupBy: [CARRIER]) {
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
      carrierAckP50Ms
      carrierAckP95Ms
      deliveryP50Ms
      deliveryP95Ms
    }
  }
`);

const GatewayCustomers = graphql(`
  query GatewayCustomers {
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

const CARRIER_COLUMNS = 8;

/** `/gateway` (staff): the SMPP binds open now (admins) and each carrier's traffic today, refreshed every 5 s. */
export function Gateway() {
  const session = useSignedIn();
  const sessionsAllowed = can(session.role, 'smpp.sessions');
  const [live, setLive] = useState(true);
  const [now, setNow] = useState(() => new Date());
  const day = utcDay(now);
  const filter = useMemo(() => ({ from: day, to: day }), [day]);

  const [sessions, refetchSessions] = useQuery({ query: GatewaySessions, pause: !sessionsAllowed });
  const [stats, refetchStats] = useQuery({ query: GatewayCarriers, variables: { filter } });
  const [customers] = useQuery({ query: GatewayCustomers });
  const carriers = useCarrierNames();
  const customerNames = useMemo(
    () => new Map((customers.data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])),
    [customers.data],
  );

  // The earlier answers stay on screen while the next is fetched: nothing blinks.
  const refresh = () => {
    setNow(new Date());
    if (sessionsAllowed) refetchSessions({ requestPolicy: 'network-only' });
    refetchStats({ requestPolicy: 'network-only' });
  };
  usePolling(refresh, REFRESH_MS, live);

  // Each carrier's rate between this answer and the one before.
  const previous = useRef<Snapshot | null>(null);
  const [rates, setRates] = useState<Map<string, number | null>>(new Map());
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  useEffect(() => {
    if (!stats.data) return;
    const at = new Date();
    const next = snapshot(day, at.getTime(), stats.data.deliveryStats);
    setRates(throughput(previous.current, next));
    previous.current = next;
    setUpdatedAt(at);
  }, [stats.data, day]);

  const binds = useMemo(() => sortSessions(sessions.data?.smppSessions ?? []), [sessions.data]);
  const accounts = useMemo(() => bindsByAccount(binds), [binds]);
  const rows = useMemo(
    () =>
      [...(stats.data?.deliveryStats ?? [])].sort((a, b) => {
        const [la, lb] = [carrierLabel(a), carrierLabel(b)];
        if ((la === 'Unknown') !== (lb === 'Unknown')) return la === 'Unknown' ? 1 : -1;
        return la.localeCompare(lb);
      }),
    [stats.data],
  );
  const sum = useMemo(() => totals(rows), [rows]);
  const customerName = (id: string) => customerNames.get(id) ?? `customer #${id}`;

  return (
    <>
      <PageHeader
        title="SMPP gateway"
        subtitle="The binds open on this instance, and each carrier's traffic today (UTC): throughput, what is in flight and how fast it is delivered."
        actions={
          <Group gap="sm">
            <Text size="xs" c="dimmed" data-testid="gateway-updated" aria-live="off">
              {updatedAt ? `Updated ${formatTime(updatedAt.toISOString())}` : 'Loading…'}
            </Text>
            <Switch
              label="Refresh every 5 s"
              checked={live}
              onChange={(e) => setLive(e.currentTarget.checked)}
              data-testid="gateway-live"
            />
            <Button variant="subtle" size="xs" onClick={refresh}>
              Refresh now
            </Button>
          </Group>
        }
      />
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md" mb="md">
        <HintedStat label="Binds open" testId="gateway-binds" hint="SMPP sessions bound on this instance">
          {sessionsAllowed ? (sessions.data ? formatCount(binds.length) : '…') : '—'}
        </HintedStat>
        <HintedStat label="Received today" testId="gateway-received" hint="Messages submitted (MT) or received from carriers (MO) since 00:00 UTC">
          {stats.data ? formatCount(sum.received) : '…'}
        </HintedStat>
        <HintedStat label="In flight" testId="gateway-in-flight" hint="Received today and not final yet">
          {stats.data ? formatCount(sum.inFlight) : '…'}
        </HintedStat>
        <HintedStat label="Delivered today" testId="gateway-delivered" hint="Delivered over final outcomes other than rejected">
          {stats.data ? formatRatio(sum.deliveredRatio) : '…'}
        </HintedStat>
      </SimpleGrid>

      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-labelledby="binds-title">
        <Group justify="space-between" mb="sm">
          <Title order={3} id="binds-title">
            Live binds
          </Title>
          {accounts.length > 0 && (
            <Group gap={4}>
              {accounts.map((a) => (
                <Badge key={`${a.customerId}-${a.systemId}`} variant="light" color="indigo" tt="none">
                  {a.systemId} × {a.binds}
                  {a.sends ? ' · sends' : ''}
                  {a.receives ? ' · receives' : ''}
                </Badge>
              ))}
            </Group>
          )}
        </Group>
        {!sessionsAllowed ? (
          <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} data-testid="binds-admins-only">
            Live binds are shown to admins only. The carriers' figures below are for every staff role.
          </Alert>
        ) : (
          <>
            <ErrorAlert error={sessions.error} title="The binds could not be loaded" />
            {sessions.fetching && !sessions.data ? (
              <TableSkeleton rows={3} label="Loading binds" />
            ) : (
              <Table.ScrollContainer minWidth={820}>
                <Table verticalSpacing="sm" data-testid="binds-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>System ID</Table.Th>
                      <Table.Th>Customer</Table.Th>
                      <Table.Th>Bind</Table.Th>
                      <Table.Th>Peer</Table.Th>
                      <Table.Th>Bound at</Table.Th>
                      <Table.Th>Up for</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {binds.map((s) => (
                      <Table.Tr key={s.sessionId} data-testid={`bind-${s.sessionId}`}>
                        <Table.Td ff="monospace" fw={600} data-testid="bind-system-id">
                          {s.systemId}
                        </Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={`/customers/${s.customerId}`} size="sm">
                            {customerName(s.customerId)}
                          </Anchor>
                        </Table.Td>
                        <Table.Td data-testid="bind-type">{bindTypeLabel(s.bindType)}</Table.Td>
                        <Table.Td ff="monospace">{s.peer}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(s.boundAt)}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="bind-age">
                          {bindAge(s.boundAt, now)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    {binds.length === 0 && !sessions.error && (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <Text c="dimmed" ta="center" py="md" data-testid="binds-empty">
                            No bind is open on this instance.
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </>
        )}
      </Paper>

      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="carriers-title">
        <Title order={3} id="carriers-title">
          Carriers today
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          Now: messages per second since the previous refresh. Carrier ack: submission to the carrier's acknowledgement.
          Delivery: submission to the delivery receipt (MT), within about 12%; p95 over 2 minutes is flagged. For other days,
          see{' '}
          <Anchor component={Link} to="/analytics" size="xs" underline="always">
            delivery analytics
          </Anchor>
          .
        </Text>
        <ErrorAlert error={stats.error} title="The carriers' figures could not be loaded" />
        {stats.fetching && !stats.data ? (
          <TableSkeleton rows={3} label="Loading carriers" />
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table verticalSpacing="sm" horizontalSpacing={8} data-testid="gateway-carriers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Carrier</Table.Th>
                  <Table.Th ta="right">Received</Table.Th>
                  <Table.Th ta="right">Now</Table.Th>
                  <Table.Th ta="right">Today's average</Table.Th>
                  <Table.Th ta="right">In flight</Table.Th>
                  <Table.Th ta="right">Delivered</Table.Th>
                  <Table.Th ta="right">Carrier ack p50 / p95</Table.Th>
                  <Table.Th ta="right">Delivery p50 / p95</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => {
                  const label = carrierLabel(r);
                  const name = r.carrierId ? carriers.get(r.carrierId)?.name : undefined;
                  const slow = latencyLevel(r.deliveryP95Ms) === 'slow';
                  return (
                    <Table.Tr key={label} data-testid={`gateway-carrier-${label}`}>
                      <Table.Td>
                        <Text size="sm" fw={600} c={r.carrierId ? undefined : 'dimmed'}>
                          {label}
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
                      <Table.Td ta="right" ff="monospace" data-testid="carrier-rate">
                        {formatRate(rates.get(label))}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {formatPerMinute(averagePerMinute(r.received, now))}
                      </Table.Td>
                      <Table.Td ta="right">{formatCount(r.inFlight)}</Table.Td>
                      <Table.Td ta="right">{formatRatio(r.deliveredRatio)}</Table.Td>
                      <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                        {formatDuration(r.carrierAckP50Ms)} / {formatDuration(r.carrierAckP95Ms)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="carrier-delivery">
                        {slow ? (
                          <Badge color="red" variant="filled" leftSection={<IconAlertTriangle size={12} aria-hidden />} tt="none">
                            {formatDuration(r.deliveryP50Ms)} / {formatDuration(r.deliveryP95Ms)} slow
                          </Badge>
                        ) : (
                          `${formatDuration(r.deliveryP50Ms)} / ${formatDuration(r.deliveryP95Ms)}`
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {rows.length === 0 && !stats.error && (
                  <Table.Tr>
                    <Table.Td colSpan={CARRIER_COLUMNS}>
                      <Text c="dimmed" ta="center" py="md" data-testid="gateway-carriers-empty">
                        No traffic today yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
