import {
  Alert,
  Anchor,
  Autocomplete,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import {
  IconArrowRight,
  IconChevronLeft,
  IconChevronRight,
  IconFilterOff,
  IconInfoCircle,
} from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { Direction, MessageFilter, MessageKind, MessageStatus } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { CarrierLabel, MessageStatusBadge, useCarrierNames } from '../components/messages';
import { can } from '../lib/access';
import { formatDate, formatMoney, formatTime, formatTimestamp } from '../lib/format';
import {
  dayRange,
  filtersToParams,
  findNumber,
  hasFilters,
  MESSAGE_STATUSES,
  messageEncoding,
  messageStatusLabel,
  noFilters,
  PAGE_SIZES,
  parseFilters,
} from '../lib/messages';
import { currentAfter, nextPage, pageNumber, previousPage, rangeLabel } from '../lib/paging';
import { reasonOptions } from '../lib/mms';
import { ENCODING_LABELS } from '../lib/preview';
import { usePageFor } from '../hooks/usePageFor';

const MessagesQuery = graphql(`
  query Messages($first: Int!, $after: String, $filter: MessageFilter!) {
    messages(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id
          messageId
          customerId
          direction
          kind
          source
          destination
          carrierId
          carrierCode
          status
          encoding
          fragmentCount
          submittedAt
          charge {
            amount
            currency
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const MessageFilterCustomers = graphql(`
  query MessageFilterCustomers {
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

const MessageFilterNumbers = graphql(`
  query MessageFilterNumbers($customerId: ID) {
    numbers(customerId: $customerId, first: 100) {
      edges {
        node {
          id
          address
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const COLUMNS = 9;

export function MessagesList() {
  const session = useSignedIn();
  const navigate = useNavigate();
  const [filters, update] = useUrlFilters(parseFilters, filtersToParams);
  const pickCustomer = can(session.role, 'customer.list');

  const [customers] = useQuery({ query: MessageFilterCustomers, pause: !pickCustomer });
  const customerNames = useMemo(
    () => new Map((customers.data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])),
    [customers.data],
  );
  const carriers = useCarrierNames();

  // The API filters by number id; people type an address, matched against the numbers on file
  // (of the chosen customer, or all that the key sees).
  const [numbers] = useQuery({
    query: MessageFilterNumbers,
    variables: { customerId: pickCustomer ? filters.customer : null },
  });
  const numberRows = numbers.data?.numbers.edges.map((e) => e.node) ?? [];
  const matchedNumber = filters.number ? findNumber(filters.number, numberRows) : null;
  const numberUnknown = Boolean(filters.number && numbers.data && !matchedNumber);
  const numberPending = Boolean(filters.number && !numbers.data && !numbers.error);

  const range = dayRange(filters.from, filters.to);
  const apiFilter: MessageFilter = {
    customerId: pickCustomer ? filters.customer : null,
    status: filters.status,
    direction: filters.direction,
    kind: filters.kind,
    reasonCode: filters.reason,
    numberId: matchedNumber?.id ?? null,
    from: range.from,
    to: range.to,
  };
  // Pages belong to one set of filters: a change of filter starts again at the first page.
  const key = JSON.stringify([apiFilter, filters.pageSize]);
  const [page, setPage] = usePageFor(key);

  // A number filter that names no number on file must not fall back to "every number".
  const blocked = Boolean(filters.number && !matchedNumber) || range.error !== null;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MessagesQuery,
    variables: { first: filters.pageSize, after: currentAfter(page), filter: apiFilter },
    pause: blocked,
  });
  const rows = blocked ? [] : (data?.messages.edges.map((e) => e.node) ?? []);
  const info = blocked ? undefined : data?.messages.pageInfo;
  const filtered = hasFilters(filters);

  return (
    <>
      <PageHeader
        title="Messages"
        subtitle={
          session.role === 'CUSTOMER'
            ? 'Your traffic, newest first: where each message is, and what it was charged.'
            : 'Every message received, newest first: where it is, and what it was charged.'
        }
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={blocked || fetching}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
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
              data-testid="messages-customer"
            />
          )}
          <Select
            label="Status"
            placeholder="Any status"
            data={MESSAGE_STATUSES.map((s) => ({ value: s, label: messageStatusLabel(s) }))}
            value={filters.status}
            onChange={(v) => update({ status: (v as MessageStatus | null) ?? null })}
            clearable
            data-testid="messages-status"
          />
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
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Kind
            </Text>
            <SegmentedControl
              fullWidth
              aria-label="Kind"
              data={[
                { value: 'ALL', label: 'All' },
                { value: 'SMS', label: 'SMS' },
                { value: 'MMS', label: 'MMS' },
              ]}
              value={filters.kind ?? 'ALL'}
              onChange={(v) => update({ kind: v === 'ALL' ? null : (v as MessageKind) })}
              data-testid="messages-kind"
            />
          </Stack>
          <Select
            label="Reject reason"
            placeholder="Any reason"
            description={filters.reason && filters.status && filters.status !== 'REJECTED' ? 'Reasons match rejected messages only' : undefined}
            data={reasonOptions(filters.reason)}
            value={filters.reason}
            onChange={(v) => update({ reason: v })}
            searchable
            clearable
            comboboxProps={{ width: 'max-content', position: 'bottom-start' }}
            data-testid="messages-reason"
          />
          <Autocomplete
            key={filters.number}
            label="Number or sender"
            placeholder="+12065550100"
            defaultValue={filters.number}
            data={numberRows.map((n) => n.address)}
            limit={20}
            onOptionSubmit={(v) => update({ number: v })}
            onBlur={(e) => e.currentTarget.value.trim() !== filters.number && update({ number: e.currentTarget.value })}
            onKeyDown={(e) => e.key === 'Enter' && update({ number: e.currentTarget.value })}
            error={numberUnknown ? 'No number or sender ID on file with this address' : undefined}
            data-testid="messages-number"
          />
          <TextInput
            type="date"
            label="Submitted from"
            value={filters.from}
            onChange={(e) => update({ from: e.currentTarget.value })}
            error={range.error ?? undefined}
            data-testid="messages-from"
          />
          <TextInput
            type="date"
            label="Submitted to"
            value={filters.to}
            onChange={(e) => update({ to: e.currentTarget.value })}
            data-testid="messages-to"
          />
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="xs" c="dimmed">
            Days are UTC, both ends included. The address bar keeps the filters, so a filtered view can be shared.
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconFilterOff size={14} />}
            disabled={!filtered}
            onClick={() => update({ ...noFilters, pageSize: filters.pageSize })}
          >
            Clear filters
          </Button>
        </Group>
        {matchedNumber && (
          <Text size="xs" c="dimmed" mt={4}>
            Messages of number #{matchedNumber.id} ({matchedNumber.address}), as sender or recipient.
          </Text>
        )}
        {numberUnknown && numbers.data?.numbers.pageInfo.hasNextPage && (
          <Text size="xs" c="dimmed" mt={4}>
            Only the first 100 numbers are searched; choose a customer to search its numbers.
          </Text>
        )}
      </Paper>

      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error ?? numbers.error} title="Messages could not be loaded" />
        {fetching && !data && !blocked ? (
          <TableSkeleton label="Loading messages" rows={6} />
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing={8} data-testid="messages-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Submitted</Table.Th>
                  <Table.Th>{pickCustomer ? 'Message id · customer' : 'Message id'}</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Source → destination</Table.Th>
                  <Table.Th>Carrier</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Encoding</Table.Th>
                  <Table.Th ta="right">Fragments</Table.Th>
                  <Table.Th ta="right">Charge</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((m) => {
                  const encoding = messageEncoding(m.encoding);
                  return (
                    <Table.Tr
                      key={m.id}
                      data-testid={`message-${m.messageId}`}
                      style={{ cursor: 'pointer' }}
                      onClick={() => navigate(`/messages/${m.id}`)}
                    >
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Tooltip label={formatTimestamp(m.submittedAt)}>
                          <div>
                            <Text size="sm">{formatDate(m.submittedAt)}</Text>
                            <Text size="xs" c="dimmed">
                              {formatTime(m.submittedAt)}
                            </Text>
                          </div>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={`/messages/${m.id}`}
                          ff="monospace"
                          size="xs"
                          fw={600}
                          onClick={(e) => e.stopPropagation()}
                        >
                          {m.messageId}
                        </Anchor>
                        {pickCustomer && (
                          <Text size="xs" c="dimmed">
                            {customerNames.get(m.customerId) ?? `customer #${m.customerId}`}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Badge variant="outline" color={m.direction === 'MT' ? 'indigo' : 'violet'}>
                            {m.direction}
                          </Badge>
                          {m.kind === 'MMS' && (
                            <Badge variant="light" color="pink" data-testid="message-kind">
                              MMS
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text ff="monospace" size="sm">
                          {m.source}
                        </Text>
                        <Group gap={4} wrap="nowrap">
                          <IconArrowRight size={12} color="var(--mantine-color-gray-5)" aria-label="to" />
                          <Text ff="monospace" size="sm">
                            {m.destination}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <CarrierLabel id={m.carrierId} code={m.carrierCode} carriers={carriers} />
                      </Table.Td>
                      <Table.Td>
                        <MessageStatusBadge status={m.status} miw="max-content" data-testid="message-status" />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{encoding ? ENCODING_LABELS[encoding] : m.encoding}</Text>
                      </Table.Td>
                      <Table.Td ta="right" data-testid="message-fragments">
                        {m.fragmentCount}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="message-charge">
                        {formatMoney(m.charge.amount, m.charge.currency)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS}>
                      {numberPending ? (
                        <Group justify="center" py="lg">
                          <Loader size="sm" />
                        </Group>
                      ) : numberUnknown ? (
                        <Alert variant="light" color="orange" icon={<IconInfoCircle size={18} />} my="sm" data-testid="messages-empty">
                          No number or sender ID “{filters.number}” is on file
                          {pickCustomer && filters.customer ? ' for this customer' : ''}, so no message matches.
                        </Alert>
                      ) : (
                        <Text c="dimmed" ta="center" py="lg" data-testid="messages-empty">
                          {range.error
                            ? 'Fix the date range to see messages.'
                            : filtered
                              ? 'No messages match these filters.'
                              : 'No messages yet. Messages submitted over SMPP appear here.'}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="space-between" mt="md">
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              Rows per page
            </Text>
            <Select
              w={80}
              size="xs"
              data={PAGE_SIZES.map(String)}
              value={String(filters.pageSize)}
              onChange={(v) => update({ pageSize: Number(v ?? filters.pageSize) })}
              allowDeselect={false}
              aria-label="Rows per page"
            />
          </Group>
          <Group gap="xs">
            {fetching && data && <Loader size="xs" data-testid="messages-loading" />}
            <Tooltip label="Newest first" disabled={rows.length === 0}>
              <Text size="sm" c="dimmed" data-testid="page-range">
                {rangeLabel(page, filters.pageSize, rows.length)}
                {rows.length > 0 ? ` · page ${pageNumber(page)}` : ''}
              </Text>
            </Tooltip>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconChevronLeft size={14} />}
              disabled={pageNumber(page) === 1 || fetching}
              onClick={() => setPage(previousPage(page))}
            >
              Previous
            </Button>
            <Button
              size="xs"
              variant="default"
              rightSection={<IconChevronRight size={14} />}
              disabled={!info?.hasNextPage || fetching}
              onClick={() => setPage(nextPage(page, info?.endCursor))}
            >
              Next
            </Button>
          </Group>
        </Group>
      </Paper>
    </>
  );
}
