import {
  Alert,
  Anchor,
  Badge,
  Button,
  Chip,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconFilterOff, IconInfoCircle } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { MessageFilter } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import {
  BLOCKED_PAGE_SIZES,
  blockedFiltersToParams,
  hasBlockedFilters,
  noBlockedFilters,
  parseBlockedFilters,
  parseRejectReason,
  reasonCodeLabel,
  reasonTally,
} from '../lib/blocked';
import { formatTimestamp } from '../lib/format';
import { dayRange, findNumber } from '../lib/messages';
import { reasonOptions } from '../lib/mms';
import { currentAfter } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';
import { usePageFor } from '../hooks/usePageFor';

const BlockedMessages = graphql(`
  query BlockedMessages($first: Int!, $after: String, $filter: MessageFilter!) {
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
          submittedAt
          rejectReason
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const BlockedFilterData = graphql(`
  query BlockedFilterData($customerId: ID, $withCustomers: Boolean!) {
    customers(first: 100) @include(if: $withCustomers) {
      edges {
        node {
          id
          name
        }
      }
    }
    numbers(customerId: $customerId, first: 100) {
      edges {
        node {
          id
          address
        }
      }
    }
  }
`);

const COLUMNS = 6;

/** `/blocked`: messages refused at admission, newest first, with their reasons; filtered in the URL. */
export function BlockedTraffic() {
  const session = useSignedIn();
  const [filters, update] = useUrlFilters(parseBlockedFilters, blockedFiltersToParams);
  const pickCustomer = can(session.role, 'customer.list');
  const [lookups] = useQuery({
    query: BlockedFilterData,
    variables: { customerId: pickCustomer ? filters.customer : null, withCustomers: pickCustomer },
  });
  const customerNames = useMemo(
    () => new Map((lookups.data?.customers?.edges ?? []).map((e) => [e.node.id, e.node.name])),
    [lookups.data],
  );
  const numberRows = lookups.data?.numbers.edges.map((e) => e.node) ?? [];
  const matched = filters.number ? findNumber(filters.number, numberRows) : null;
  const numberUnknown = Boolean(filters.number && lookups.data && !matched);
  const range = dayRange(filters.from, filters.to);

  const apiFilter: MessageFilter = {
    status: 'REJECTED',
    reasonCode: filters.reason,
    customerId: pickCustomer ? filters.customer : null,
    numberId: matched?.id ?? null,
    from: range.from,
    to: range.to,
  };
  const key = JSON.stringify([apiFilter, filters.pageSize]);
  const [page, setPage] = usePageFor(key);
  // A number that names nothing on file must not fall back to "every number".
  const blocked = Boolean(filters.number && !matched) || range.error !== null;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: BlockedMessages,
    variables: { first: filters.pageSize, after: currentAfter(page), filter: apiFilter },
    pause: blocked,
  });
  const rows = blocked ? [] : (data?.messages.edges.map((e) => e.node) ?? []);
  const info = blocked ? undefined : data?.messages.pageInfo;
  const tally = useMemo(() => reasonTally(rows.map((r) => r.rejectReason)), [rows]);
  const filtered = hasBlockedFilters(filters);

  return (
    <>
      <PageHeader
        title="Blocked traffic"
        subtitle="Messages refused at admission (status Rejected), newest first, with the rule that refused them: prohibited content, MMS policy, unleased or suspended codes, opt-outs."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={blocked || fetching}>
            Refresh
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
          <Select
            label="Reason"
            placeholder="Any reason"
            data={reasonOptions(filters.reason)}
            value={filters.reason}
            onChange={(v) => update({ reason: v })}
            searchable
            clearable
            data-testid="blocked-reason"
          />
          {pickCustomer && (
            <Select
              label="Customer"
              placeholder="All customers"
              data={(lookups.data?.customers?.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }))}
              value={filters.customer}
              onChange={(v) => update({ customer: v })}
              searchable
              clearable
              data-testid="blocked-customer"
            />
          )}
          <TextInput
            label="Number or sender"
            placeholder="+12065550100, 55501, DEMOCO"
            value={filters.number}
            onChange={(e) => update({ number: e.currentTarget.value })}
            error={numberUnknown ? 'No number or sender by that address' : undefined}
            data-testid="blocked-number"
          />
          <TextInput
            label="From"
            type="date"
            value={filters.from}
            onChange={(e) => update({ from: e.currentTarget.value })}
            data-testid="blocked-from"
          />
          <TextInput
            label="To"
            type="date"
            value={filters.to}
            onChange={(e) => update({ to: e.currentTarget.value })}
            error={range.error ?? undefined}
            data-testid="blocked-to"
          />
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="xs" c="dimmed">
            Days are UTC, both ends included. The address bar keeps the filters.
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconFilterOff size={14} />}
            disabled={!filtered}
            onClick={() => update({ ...noBlockedFilters, pageSize: filters.pageSize })}
          >
            Clear filters
          </Button>
        </Group>
      </Paper>

      {tally.length > 0 && (
        <Paper withBorder radius="md" p="md" mb="md" component="section" aria-label="Reasons on this page">
          <Text size="sm" fw={600} mb="xs">
            Reasons on this page
          </Text>
          <Group gap="xs" data-testid="blocked-tally">
            {tally.map((t) =>
              t.code ? (
                <Chip
                  key={t.key}
                  checked={filters.reason === t.code}
                  onChange={(on) => update({ reason: on ? t.code : null })}
                  size="sm"
                  data-testid={`tally-${t.key}`}
                >
                  {t.label} · {t.count}
                </Chip>
              ) : (
                <Badge key={t.key} variant="light" color="gray" size="lg" tt="none" data-testid="tally-other">
                  {t.label} · {t.count}
                </Badge>
              ),
            )}
          </Group>
        </Paper>
      )}

      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error} title="The blocked messages could not be loaded" />
        {numberUnknown && (
          <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />} mb="sm">
            No number or sender {pickCustomer && filters.customer ? 'of this customer ' : ''}is {filters.number}: nothing to show.
          </Alert>
        )}
        {fetching && !data && !blocked ? (
          <TableSkeleton rows={6} label="Loading blocked messages" />
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" highlightOnHover data-testid="blocked-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Submitted</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((m) => {
                  const reason = parseRejectReason(m.rejectReason);
                  return (
                    <Table.Tr key={m.id} data-testid={`blocked-${m.messageId}`}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Anchor component={Link} to={`/messages/${m.id}`} size="sm">
                          {formatTimestamp(m.submittedAt)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{pickCustomer ? (customerNames.get(m.customerId) ?? `customer #${m.customerId}`) : session.customerName}</Table.Td>
                      <Table.Td ff="monospace">{m.source}</Table.Td>
                      <Table.Td ff="monospace">{m.destination}</Table.Td>
                      <Table.Td>
                        <Badge variant="outline" color="gray" size="sm">
                          {m.kind} {m.direction}
                        </Badge>
                      </Table.Td>
                      <Table.Td data-testid="blocked-reason-cell">
                        {reason.code && (
                          <Badge color="grape" variant="light" tt="none" mr={6} data-testid="blocked-reason-code">
                            {reasonCodeLabel(reason.code)}
                          </Badge>
                        )}
                        <Text span size="sm">
                          {reason.detail || (reason.code ? '' : 'no reason recorded')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {rows.length === 0 && !error && !fetching && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS}>
                      <Text c="dimmed" ta="center" py="lg" data-testid="blocked-empty">
                        {filtered ? 'No blocked message matches these filters.' : 'No message has been blocked.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <PagerFooter
          pageSizes={BLOCKED_PAGE_SIZES}
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
