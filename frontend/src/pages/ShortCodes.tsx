import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconChevronDown, IconChevronRight, IconCircleCheck, IconInbox } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { FilingStatus, LeaseState, ShortCodesQuery } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useCarrierNames } from '../components/messages';
import { ReasonDialog, type ActionOutcome } from '../components/ReasonDialog';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { formatCount } from '../lib/analytics';
import {
  FILING_MOVE_LABELS,
  FILING_STATUS_COLORS,
  FILING_STATUS_LABELS,
  filingMoves,
  filingReasonError,
  filingsByCarrier,
  FORECAST_LEVEL_COLORS,
  forecastUse,
  isOpenFiling,
  latestForecast,
  LEASE_STATE_COLORS,
  LEASE_STATE_LABELS,
  LEASE_STATES,
  leaseMoves,
  leaseReasonError,
  parseShortCodeFilters,
  quarterOf,
  SILENCE_COLORS,
  silenceHint,
  silenceLabel,
  silenceLevel,
  shortCodeFiltersToParams,
  type LeaseMove,
} from '../lib/compliance';
import { formatDate, formatDateTime, titleCase } from '../lib/format';

const ShortCodesQueryDoc = graphql(`
  query ShortCodes($customerId: ID, $state: LeaseState) {
    leases(customerId: $customerId, state: $state) {
      id
      customerId
      numberId
      shortCode
      state
      term
      termEndsOn
      activatedOn
      appliedAt
      noticeGivenOn
      endsOn
      daysSilent
      lastTrafficAt
      reapplication
      events {
        at
        actor
        fromState
        toState
        reason
      }
    }
    filings(customerId: $customerId) {
      id
      customerId
      numberId
      carrierId
      kind
      status
      useCase
      submittedAt
      decidedAt
      decisionReason
    }
    numbers(customerId: $customerId, kind: SHORT_CODE, first: 100) {
      edges {
        node {
          id
          address
        }
      }
    }
  }
`);

const ShortCodeCustomers = graphql(`
  query ShortCodeCustomers {
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

const LeaseForecast = graphql(`
  query LeaseForecast($numberId: ID!, $quarter: String!) {
    forecasts(numberId: $numberId, quarter: $quarter) {
      id
      quarter
      revision
      expectedMessages
      actuals {
        messages
      }
      variance {
        allowedPercent
      }
    }
  }
`);

const SuspendLease = graphql(`
  mutation SuspendLease($id: ID!, $reason: String!) {
    suspendLease(id: $id, reason: $reason) {
      id
      state
    }
  }
`);

const ResumeLease = graphql(`
  mutation ResumeLease($id: ID!, $reason: String!) {
    resumeLease(id: $id, reason: $reason) {
      id
      state
    }
  }
`);

const SetFilingStatus = graphql(`
  mutation SetFilingStatus($id: ID!, $status: FilingStatus!, $reason: String) {
    setFilingStatus(id: $id, status: $status, reason: $reason) {
      id
      status
      decisionReason
    }
  }
`);

type Lease = ShortCodesQuery['leases'][number];
type Filing = ShortCodesQuery['filings'][number];

type Pending = { kind: 'lease'; lease: Lease; move: LeaseMove } | { kind: 'filing'; filing: Filing; to: FilingStatus };

const LEASE_COLUMNS = 9;

/** `/short-codes`: each lease with its state, term, notice, silence, filings per carrier and this quarter's forecast. */
export function ShortCodes() {
  const session = useSignedIn();
  const [filters, update] = useUrlFilters(parseShortCodeFilters, shortCodeFiltersToParams);
  const pickCustomer = can(session.role, 'customer.list');
  const decideFilings = can(session.role, 'filing.decide');
  const suspend = can(session.role, 'lease.suspend');
  const carriers = useCarrierNames();
  const [customers] = useQuery({ query: ShortCodeCustomers, pause: !pickCustomer });
  const customerNames = useMemo(
    () => new Map((customers.data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])),
    [customers.data],
  );
  const customerName = (id: string) =>
    pickCustomer ? (customerNames.get(id) ?? `customer #${id}`) : (session.customerName ?? `customer #${id}`);
  const carrierName = (id: string) => carriers.get(id)?.code ?? `carrier #${id}`;

  const [{ data, fetching, error }, refetch] = useQuery({
    query: ShortCodesQueryDoc,
    variables: { customerId: pickCustomer ? filters.customer : null, state: filters.state },
  });
  const codes = useMemo(() => {
    const m = new Map((data?.numbers.edges ?? []).map((e) => [e.node.id, e.node.address]));
    for (const l of data?.leases ?? []) if (l.shortCode) m.set(l.numberId, l.shortCode);
    return m;
  }, [data]);
  const codeOf = (numberId: string) => codes.get(numberId) ?? `#${numberId}`;
  const openFilings = useMemo(
    () => (data?.filings ?? []).filter((f) => isOpenFiling(f.status)).sort((a, b) => Number(a.id) - Number(b.id)),
    [data],
  );
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const [pending, setPending] = useState<Pending | null>(null);
  const quarter = quarterOf();
  const leases = data?.leases ?? [];

  return (
    <>
      <PageHeader
        title="Short codes"
        subtitle="Each lease with its state, term and notice, days since its last traffic (carriers cancel a code silent for 90 days), its filings per carrier and this quarter's forecast against actual traffic."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          {pickCustomer && (
            <Select
              label="Customer"
              placeholder="All customers"
              data={(customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }))}
              value={filters.customer}
              onChange={(v) => update({ customer: v })}
              searchable
              clearable
              data-testid="short-codes-customer"
            />
          )}
          <Select
            label="Lease state"
            placeholder="Any state"
            data={LEASE_STATES.map((s) => ({ value: s, label: LEASE_STATE_LABELS[s] }))}
            value={filters.state}
            onChange={(v) => update({ state: (v as LeaseState | null) ?? null })}
            clearable
            data-testid="short-codes-state"
          />
        </SimpleGrid>
      </Paper>
      <ErrorAlert error={error} title="The short codes could not be loaded" />
      {fetching && !data && <TableSkeleton rows={6} label="Loading short codes" />}
      {data && (
        <Stack gap="lg">
          <Paper withBorder radius="md" p="md" component="section" aria-labelledby="filings-title">
            <Group gap="xs" mb="xs">
              <Title order={3} id="filings-title">
                Carrier filings to act on
              </Title>
              <Badge size="lg" variant="light" color="violet" data-testid="open-filings-count">
                {openFilings.length}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed" mb="sm">
              Drafts to submit, submissions waiting for the carrier's answer, and amendments to make. Submitting charges the
              filing fee and the carrier's pass-through fee.
            </Text>
            {openFilings.length === 0 ? (
              <Group gap="xs" py="sm" data-testid="filings-empty">
                <IconInbox size={18} color="var(--mantine-color-gray-6)" aria-hidden />
                <Text c="dimmed" size="sm">
                  No filing is waiting.
                </Text>
              </Group>
            ) : (
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm" data-testid="open-filings">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Filing</Table.Th>
                      <Table.Th>Code</Table.Th>
                      <Table.Th>Carrier</Table.Th>
                      <Table.Th>Customer</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Use case</Table.Th>
                      {decideFilings && <Table.Th>Actions</Table.Th>}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {openFilings.map((f) => (
                      <Table.Tr key={f.id} data-testid={`filing-${f.id}`}>
                        <Table.Td>
                          #{f.id}{' '}
                          <Text span size="xs" c="dimmed">
                            {titleCase(f.kind).replace('and', '&')}
                          </Text>
                        </Table.Td>
                        <Table.Td ff="monospace">{codeOf(f.numberId)}</Table.Td>
                        <Table.Td>{carrierName(f.carrierId)}</Table.Td>
                        <Table.Td>{customerName(f.customerId)}</Table.Td>
                        <Table.Td>
                          <FilingBadge filing={f} />
                        </Table.Td>
                        <Table.Td maw={320}>
                          <Text size="sm" lineClamp={2}>
                            {f.useCase}
                          </Text>
                        </Table.Td>
                        {decideFilings && (
                          <Table.Td>
                            <Group gap={6} wrap="nowrap">
                              {filingMoves(f.status).map((to) => (
                                <Button
                                  key={to}
                                  size="xs"
                                  variant={to === 'APPROVED' || to === 'SUBMITTED' ? 'filled' : 'light'}
                                  color={FILING_STATUS_COLORS[to]}
                                  onClick={() => setPending({ kind: 'filing', filing: f, to })}
                                >
                                  {FILING_MOVE_LABELS[to]}
                                </Button>
                              ))}
                            </Group>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>

          <Paper withBorder radius="md" p="md" component="section" aria-labelledby="leases-title">
            <Title order={3} id="leases-title" mb="sm">
              Leases
            </Title>
            <Table.ScrollContainer minWidth={1100}>
              <Table verticalSpacing="sm" data-testid="leases-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={36}>
                      <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0,0,0,0)' }}>
                        Details
                      </span>
                    </Table.Th>
                    <Table.Th>Code</Table.Th>
                    <Table.Th>Customer</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Term ends</Table.Th>
                    <Table.Th>Notice</Table.Th>
                    <Table.Th>Last traffic</Table.Th>
                    <Table.Th>Filings</Table.Th>
                    <Table.Th>Forecast {quarter}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {leases.map((l) => {
                    const open = expanded.has(l.id);
                    return (
                      <Fragment key={l.id}>
                        <Table.Tr data-testid={`lease-${l.shortCode ?? l.id}`}>
                          <Table.Td>
                            <Button
                              variant="subtle"
                              size="compact-sm"
                              px={4}
                              onClick={() => toggle(l.id)}
                              aria-expanded={open}
                              aria-controls={`lease-details-${l.id}`}
                              aria-label={`${open ? 'Hide' : 'Show'} the history of ${l.shortCode ?? `lease #${l.id}`}`}
                            >
                              {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                            </Button>
                          </Table.Td>
                          <Table.Td ff="monospace" fw={600}>
                            {l.shortCode ?? codeOf(l.numberId)}
                            {l.reapplication && (
                              <Badge ml={6} size="xs" variant="light" color="gray">
                                reapplication
                              </Badge>
                            )}
                          </Table.Td>
                          <Table.Td>
                            {pickCustomer || session.role === 'CUSTOMER' ? (
                              <Anchor component={Link} to={`/customers/${l.customerId}`} size="sm">
                                {customerName(l.customerId)}
                              </Anchor>
                            ) : (
                              customerName(l.customerId)
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Badge color={LEASE_STATE_COLORS[l.state]} variant="light" data-testid="lease-state">
                              {LEASE_STATE_LABELS[l.state]}
                            </Badge>
                          </Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="lease-term">
                            {l.termEndsOn ? formatDate(l.termEndsOn) : '—'}
                            {l.term > 0 && (
                              <Text size="xs" c="dimmed">
                                term {l.term}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="lease-notice">
                            {l.noticeGivenOn ? (
                              <>
                                given {formatDate(l.noticeGivenOn)}
                                {l.endsOn && (
                                  <Text size="xs" c="dimmed">
                                    ends {formatDate(l.endsOn)}
                                  </Text>
                                )}
                              </>
                            ) : (
                              <Text size="sm" c="dimmed">
                                none
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Silence lease={l} />
                          </Table.Td>
                          <Table.Td>
                            <CarrierFilings filings={data.filings} numberId={l.numberId} carrierName={carrierName} />
                          </Table.Td>
                          <Table.Td>
                            <ForecastCell numberId={l.numberId} quarter={quarter} />
                          </Table.Td>
                        </Table.Tr>
                        {open && (
                          <Table.Tr id={`lease-details-${l.id}`} data-testid={`lease-details-${l.id}`}>
                            <Table.Td />
                            <Table.Td colSpan={LEASE_COLUMNS - 1}>
                              <LeaseDetails
                                lease={l}
                                filings={data.filings.filter((f) => f.numberId === l.numberId)}
                                carrierName={carrierName}
                                onMove={suspend ? (move) => setPending({ kind: 'lease', lease: l, move }) : null}
                              />
                            </Table.Td>
                          </Table.Tr>
                        )}
                      </Fragment>
                    );
                  })}
                  {leases.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={LEASE_COLUMNS}>
                        <Text c="dimmed" ta="center" py="lg" data-testid="leases-empty">
                          {filters.state || filters.customer ? 'No lease matches these filters.' : 'No short-code leases yet.'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        </Stack>
      )}
      <PendingDialog
        pending={pending}
        codeOf={codeOf}
        carrierName={carrierName}
        onClose={() => setPending(null)}
        onDone={() => {
          setPending(null);
          refetch({ requestPolicy: 'network-only' });
        }}
      />
    </>
  );
}

function FilingBadge({ filing }: { filing: Filing }) {
  const badge = (
    <Badge color={FILING_STATUS_COLORS[filing.status]} variant="light" data-testid="filing-status">
      {FILING_STATUS_LABELS[filing.status]}
    </Badge>
  );
  return filing.decisionReason ? <Tooltip label={filing.decisionReason}>{badge}</Tooltip> : badge;
}

function Silence({ lease }: { lease: Lease }) {
  const level = silenceLevel(lease.daysSilent, lease.state);
  const hint = silenceHint(lease.daysSilent, lease.state);
  const label = silenceLabel(lease.daysSilent);
  const content =
    level === 'warning' || level === 'critical' ? (
      <Badge color={SILENCE_COLORS[level]} variant="filled" leftSection={<IconAlertTriangle size={12} aria-hidden />} data-testid="lease-silence">
        {label === 'today' ? label : `${label} silent`}
      </Badge>
    ) : (
      <Text size="sm" data-testid="lease-silence">
        {lease.daysSilent === null || lease.daysSilent === undefined ? '—' : label === 'today' ? 'today' : `${label} ago`}
      </Text>
    );
  return (
    <Stack gap={2} data-silence={level}>
      {hint ? <Tooltip label={hint}>{content}</Tooltip> : content}
      {lease.lastTrafficAt && (
        <Text size="xs" c="dimmed">
          {formatDate(lease.lastTrafficAt)}
        </Text>
      )}
    </Stack>
  );
}

function CarrierFilings({
  filings,
  numberId,
  carrierName,
}: {
  filings: readonly Filing[];
  numberId: string;
  carrierName: (id: string) => string;
}) {
  const byCarrier = [...filingsByCarrier(filings, numberId).entries()].sort(([a], [b]) => carrierName(a).localeCompare(carrierName(b)));
  if (byCarrier.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none filed
      </Text>
    );
  }
  return (
    <Group gap={4} data-testid="lease-filings">
      {byCarrier.map(([carrierId, f]) => (
        <Tooltip key={carrierId} label={`${FILING_STATUS_LABELS[f.status]}${f.decisionReason ? `: ${f.decisionReason}` : ''}`}>
          <Badge size="sm" variant="light" color={FILING_STATUS_COLORS[f.status]} tt="none">
            {carrierName(carrierId)} · {FILING_STATUS_LABELS[f.status].toLowerCase()}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

function ForecastCell({ numberId, quarter }: { numberId: string; quarter: string }) {
  const [{ data, error }] = useQuery({ query: LeaseForecast, variables: { numberId, quarter } });
  if (error) return <Text size="sm" c="red">not loaded</Text>;
  if (!data) return <Text size="sm" c="dimmed">…</Text>;
  const f = latestForecast(data.forecasts, quarter);
  if (!f) {
    return (
      <Anchor component={Link} to={`/forecasts?number=${numberId}&quarter=${quarter}`} size="sm" c="orange" data-testid="lease-forecast">
        none yet
      </Anchor>
    );
  }
  const use = forecastUse(f.expectedMessages, f.actuals.messages, f.variance.allowedPercent);
  return (
    <Stack gap={2} data-testid="lease-forecast">
      <Anchor component={Link} to={`/forecasts?number=${numberId}&quarter=${quarter}`} size="sm">
        {formatCount(f.actuals.messages)} of {formatCount(f.expectedMessages)}
      </Anchor>
      <Group gap={4}>
        <Badge size="xs" variant="light" color={FORECAST_LEVEL_COLORS[use.level]}>
          {use.percent === null ? 'nothing forecast' : `${use.percent}%`}
        </Badge>
        <Text size="xs" c="dimmed">
          rev. {f.revision}
        </Text>
      </Group>
    </Stack>
  );
}

function LeaseDetails({
  lease,
  filings,
  carrierName,
  onMove,
}: {
  lease: Lease;
  filings: readonly Filing[];
  carrierName: (id: string) => string;
  onMove: ((move: LeaseMove) => void) | null;
}) {
  const moves = onMove ? leaseMoves(lease.state) : [];
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" py="xs">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            History
          </Text>
          <Group gap="xs">
            {moves.map((m) => (
              <Button key={m} size="xs" color={m === 'suspend' ? 'red' : 'teal'} variant="light" onClick={() => onMove?.(m)}>
                {m === 'suspend' ? 'Suspend' : 'Resume'}
              </Button>
            ))}
          </Group>
        </Group>
        <Timeline bulletSize={14} lineWidth={2} active={lease.events.length - 1} data-testid="lease-events">
          {lease.events.map((e, i) => (
            <Timeline.Item key={i} title={LEASE_STATE_LABELS[e.toState]} data-testid="lease-event">
              <Text size="xs" c="dimmed">
                {formatDateTime(e.at)} by {e.actor}
                {e.fromState ? ` (from ${LEASE_STATE_LABELS[e.fromState].toLowerCase()})` : ''}
              </Text>
              {e.reason && <Text size="sm">{e.reason}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      </Stack>
      <Stack gap="xs">
        <Text fw={600} size="sm">
          Filings
        </Text>
        {filings.length === 0 && (
          <Text size="sm" c="dimmed">
            No filing for this code.
          </Text>
        )}
        {[...filings]
          .sort((a, b) => Number(b.id) - Number(a.id))
          .map((f) => (
            <Group key={f.id} gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" w={70}>
                {carrierName(f.carrierId)}
              </Text>
              <FilingBadge filing={f} />
              <Text size="xs" c="dimmed">
                #{f.id}
                {f.submittedAt ? ` · submitted ${formatDate(f.submittedAt)}` : ''}
                {f.decidedAt ? ` · decided ${formatDate(f.decidedAt)}` : ''}
                {f.decisionReason ? `: ${f.decisionReason}` : ''}
              </Text>
            </Group>
          ))}
      </Stack>
    </SimpleGrid>
  );
}

function PendingDialog({
  pending,
  codeOf,
  carrierName,
  onClose,
  onDone,
}: {
  pending: Pending | null;
  codeOf: (numberId: string) => string;
  carrierName: (id: string) => string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [, suspendLease] = useMutation(SuspendLease);
  const [, resumeLease] = useMutation(ResumeLease);
  const [, setFilingStatus] = useMutation(SetFilingStatus);

  const outcome = (error: Parameters<typeof splitErrors>[0]): ActionOutcome => {
    const split = splitErrors(error, ['reason']);
    return { reason: split.fields.reason, general: split.general };
  };

  // Nothing pending: no dialog at all (a closed one without a title would be an unnamed dialog).
  if (!pending) return null;

  if (pending.kind === 'lease') {
    const { lease, move } = pending;
    const code = lease.shortCode ?? codeOf(lease.numberId);
    return (
      <ReasonDialog
        opened
        title={`${move === 'suspend' ? 'Suspend' : 'Resume'} short code ${code}?`}
        confirmLabel={move === 'suspend' ? 'Suspend' : 'Resume'}
        color={move === 'suspend' ? 'red' : 'teal'}
        required
        validate={(r) => leaseReasonError(move, r)}
        onClose={onClose}
        onConfirm={async (reason) => {
          const r = move === 'suspend' ? await suspendLease({ id: lease.id, reason }) : await resumeLease({ id: lease.id, reason });
          if (r.error) return outcome(r.error);
          notifications.show({
            color: 'teal',
            icon: <IconCircleCheck size={16} />,
            title: `Short code ${code} ${move === 'suspend' ? 'suspended' : 'resumed'}`,
            message: reason,
          });
          onDone();
          return null;
        }}
      >
        {move === 'suspend'
          ? 'Messages from the code are refused from now on (SHORT_CODE_SUSPENDED) until compliance resumes it. The term and its charges go on.'
          : 'The code may send again at once.'}
      </ReasonDialog>
    );
  }

  const { filing, to } = pending;
  const required = filingReasonError(to, '') !== null;
  const label = `${FILING_MOVE_LABELS[to]} filing #${filing.id}?`;
  return (
    <ReasonDialog
      opened
      title={label}
      confirmLabel={FILING_MOVE_LABELS[to]}
      color={FILING_STATUS_COLORS[to]}
      required={required}
      validate={(r) => filingReasonError(to, r)}
      onClose={onClose}
      onConfirm={async (reason) => {
        const r = await setFilingStatus({ id: filing.id, status: to, reason: reason || null });
        if (r.error) return outcome(r.error);
        notifications.show({
          color: 'teal',
          icon: <IconCircleCheck size={16} />,
          title: `Filing #${filing.id} ${FILING_STATUS_LABELS[to].toLowerCase()}`,
          message: `${codeOf(filing.numberId)} with ${carrierName(filing.carrierId)}`,
        });
        onDone();
        return null;
      }}
    >
      Short code <b>{codeOf(filing.numberId)}</b> with <b>{carrierName(filing.carrierId)}</b>: {filing.useCase}
      {to === 'SUBMITTED' && (
        <Text size="sm" c="dimmed" mt="xs">
          Submitting charges the customer the filing fee and the carrier's pass-through fee.
        </Text>
      )}
    </ReasonDialog>
  );
}
