import {
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerStop } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { RowState } from '../../generated/gql/graphql';
import { errorMessages } from '../api/errors';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { DownloadButton } from '../components/invoices';
import { usePolling } from '../hooks/usePolling';
import { useUrlFilters } from '../hooks/useUrlFilters';
import {
  BATCH_ROW_PAGE_SIZES,
  BATCH_STATE_COLORS,
  BATCH_STATE_LABELS,
  countsByState,
  isLive,
  parseRowState,
  progressPercent,
  progressSegments,
  ROW_STATE_COLORS,
  ROW_STATE_LABELS,
  rowStateOptions,
} from '../lib/bulk';
import { formatDateTime, formatMoney } from '../lib/format';
import { MESSAGE_STATUS_COLORS, messageStatusLabel } from '../lib/messages';
import { currentAfter } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';
import { usePageFor } from '../hooks/usePageFor';

const BatchQuery = graphql(`
  query SendBatch($id: ID!) {
    sendBatch(id: $id) {
      id
      name
      fileName
      customerId
      source
      state
      totalRows
      progress
      counts {
        state
        count
      }
      messageStatuses {
        status
        count
      }
      charged
      quoted
      currency
      resultsUrl
      createdAt
      createdBy
      finishedAt
      cancelledAt
    }
  }
`);

const BatchRows = graphql(`
  query SendBatchRows($id: ID!, $state: RowState, $first: Int!, $after: String) {
    sendBatch(id: $id) {
      id
      rows(state: $state, first: $first, after: $after) {
        edges {
          node {
            id
            line
            destination
            text
            state
            status
            messageId
            fragments
            charge
            reason
            priority
            sendAt
            sentAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const CancelSend = graphql(`
  mutation CancelSend($id: ID!) {
    cancelSend(id: $id) {
      id
      state
      progress
      cancelledAt
      counts {
        state
        count
      }
    }
  }
`);

/** Seconds between two looks at a batch being sent. */
const REFRESH_MS = 2_000;
/** The states always counted beside the bar, even at zero. */
const SHOWN_STATES: readonly RowState[] = ['SENT', 'PENDING', 'FAILED', 'SKIPPED', 'CANCELLED'];

interface RowFilters {
  state: RowState | null;
  pageSize: number;
}

function parseRowFilters(params: URLSearchParams): RowFilters {
  const size = Number(params.get('size'));
  return {
    state: parseRowState(params.get('state')),
    pageSize: (BATCH_ROW_PAGE_SIZES as readonly number[]).includes(size) ? size : BATCH_ROW_PAGE_SIZES[0],
  };
}

function rowFiltersToParams(f: RowFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.state) p.set('state', f.state);
  if (f.pageSize !== BATCH_ROW_PAGE_SIZES[0]) p.set('size', String(f.pageSize));
  return p;
}

/** `/bulk-send/:id`: a batch's progress by row state, its messages' statuses, cancel, rows and results. */
export function BulkBatch() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: BatchQuery, variables: { id } });
  const batch = data?.sendBatch;
  const live = isLive(batch?.state);
  usePolling(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS, live);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, cancelSend] = useMutation(CancelSend);

  async function confirmCancel() {
    const r = await cancelSend({ id }, { additionalTypenames: ['SendBatch'] });
    setConfirming(false);
    if (r.error) {
      notifications.show({ color: 'red', title: 'Not cancelled', message: errorMessages(r.error).join(' ') });
      return;
    }
    refetch({ requestPolicy: 'network-only' });
    notifications.show({ color: 'teal', title: 'Batch cancelled', message: 'The rows not yet sent are cancelled; sent rows stay sent.' });
  }

  const segments = batch ? progressSegments(batch.counts, batch.totalRows) : [];
  const by = batch ? countsByState(batch.counts) : null;

  return (
    <>
      <PageHeader
        title={batch ? `Batch ${batch.name}` : `Batch #${id}`}
        crumbs={[{ label: 'Bulk sending', to: '/bulk-send' }, { label: `#${id}` }]}
        subtitle={
          batch
            ? `${batch.fileName}, ${batch.totalRows} rows from ${batch.source}; started ${formatDateTime(batch.createdAt)} by ${batch.createdBy}.`
            : undefined
        }
        actions={
          batch && (
            <>
              {live && (
                <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={() => setConfirming(true)} data-testid="batch-cancel">
                  Cancel batch
                </Button>
              )}
              <DownloadButton url={batch.resultsUrl} size="sm" data-testid="batch-results">
                Download results CSV
              </DownloadButton>
            </>
          )
        }
      />
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Cancel this batch?" centered>
        <Stack gap="md">
          <Text size="sm">
            The rows not yet sent are cancelled and never sent. Rows already sent stay sent, and are charged.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={cancelling.fetching}>
              Keep sending
            </Button>
            <Button color="red" onClick={() => void confirmCancel()} loading={cancelling.fetching} data-testid="confirm-cancel-batch">
              Cancel batch
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ErrorAlert error={error} title="The batch could not be loaded" />
      {fetching && !data && <TableSkeleton rows={4} label="Loading the batch" />}
      {data && !batch && !error && (
        <Text c="dimmed" data-testid="batch-missing">
          No batch #{id}. <Link to="/bulk-send">Back to bulk sending</Link>
        </Text>
      )}
      {batch && by && (
        <Stack gap="md">
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="batch-progress-title">
            <Group justify="space-between" mb="sm">
              <Group gap="sm">
                <Title order={3} id="batch-progress-title">
                  Progress
                </Title>
                <Badge variant="light" color={BATCH_STATE_COLORS[batch.state]} data-testid="batch-state" style={{ minWidth: 'max-content' }}>
                  {BATCH_STATE_LABELS[batch.state]}
                </Badge>
                {live && <Loader size="xs" aria-label="Refreshed every 2 seconds" />}
              </Group>
              <Text fw={700} size="lg" data-testid="batch-progress" aria-live="polite">
                {progressPercent(batch.progress)} finished
              </Text>
            </Group>
            <Progress.Root size={22} data-testid="batch-bar">
              {segments.map((s) => (
                <Tooltip key={s.state} label={s.label}>
                  <Progress.Section
                    value={s.percent}
                    color={s.color}
                    striped={s.state === 'PENDING' || s.state === 'SUBMITTING'}
                    animated={live && (s.state === 'PENDING' || s.state === 'SUBMITTING')}
                    aria-label={s.label}
                  />
                </Tooltip>
              ))}
            </Progress.Root>
            <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} mt="md">
              {SHOWN_STATES.map((st) => (
                <div key={st} data-testid={`count-${st}`}>
                  <Group gap={6}>
                    <Badge size="xs" circle color={ROW_STATE_COLORS[st]} aria-hidden>
                      {' '}
                    </Badge>
                    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                      {ROW_STATE_LABELS[st]}
                    </Text>
                  </Group>
                  <Text size="xl" fw={700} data-testid="count">
                    {by[st].toLocaleString('en-US')}
                  </Text>
                </div>
              ))}
              {by.SUBMITTING > 0 && (
                <div data-testid="count-SUBMITTING">
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    Submitting
                  </Text>
                  <Text size="xl" fw={700} data-testid="count">
                    {by.SUBMITTING}
                  </Text>
                </div>
              )}
            </SimpleGrid>
            <Group mt="md" gap="xl" align="flex-start">
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  Charged
                </Text>
                <Text fw={600} data-testid="batch-charged">
                  {formatMoney(batch.charged, batch.currency)}
                </Text>
                <Text size="xs" c="dimmed">
                  quoted {formatMoney(batch.quoted, batch.currency)}
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600} id="batch-statuses-title">
                  Messages now
                </Text>
                <Group gap={6} mt={4} data-testid="batch-statuses" aria-labelledby="batch-statuses-title">
                  {batch.messageStatuses.length === 0 && (
                    <Text size="sm" c="dimmed">
                      none sent yet
                    </Text>
                  )}
                  {batch.messageStatuses.map((m) => (
                    <Badge key={m.status} variant="light" color={MESSAGE_STATUS_COLORS[m.status]} data-testid={`status-${m.status}`} style={{ minWidth: 'max-content' }}>
                      {messageStatusLabel(m.status)}: {m.count}
                    </Badge>
                  ))}
                </Group>
              </div>
              <div>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {batch.cancelledAt ? 'Cancelled' : 'Finished'}
                </Text>
                <Text size="sm">{formatDateTime(batch.cancelledAt ?? batch.finishedAt)}</Text>
              </div>
            </Group>
          </Paper>
          <BatchRowsTable id={batch.id} live={live} currency={batch.currency} />
        </Stack>
      )}
    </>
  );
}

function BatchRowsTable({ id, live, currency }: { id: string; live: boolean; currency: string }) {
  const [filters, update] = useUrlFilters(parseRowFilters, rowFiltersToParams);
  const key = JSON.stringify([filters.state, filters.pageSize]);
  const [page, setPage] = usePageFor(key);
  const variables = useMemo(
    () => ({ id, state: filters.state, first: filters.pageSize, after: currentAfter(page) }),
    [id, filters.state, filters.pageSize, page],
  );
  const [{ data, fetching, error }, refetch] = useQuery({ query: BatchRows, variables });
  // The rows change with the batch: looked at as often while it is sent, and once more when it ends.
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  usePolling(refresh, REFRESH_MS, live);
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) refresh();
    wasLive.current = live;
  });
  const rows = data?.sendBatch?.rows.edges.map((e) => e.node) ?? [];
  const info = data?.sendBatch?.rows.pageInfo;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="batch-rows-title">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={3} id="batch-rows-title">
            Rows
          </Title>
          <Text size="xs" c="dimmed">
            In file order (line 1 is the header). The address bar keeps the state chosen.
          </Text>
        </div>
        <Select
          label="State"
          placeholder="Every state"
          data={rowStateOptions()}
          value={filters.state}
          onChange={(v) => update({ state: parseRowState(v) })}
          clearable
          w={200}
          data-testid="rows-state"
        />
      </Group>
      <ErrorAlert error={error} title="The rows could not be loaded" />
      {fetching && !data ? (
        <TableSkeleton rows={5} label="Loading rows" />
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table verticalSpacing="xs" data-testid="rows-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Destination</Table.Th>
                <Table.Th>Text</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>Charge</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id} data-testid={`row-${r.line}`} data-state={r.state}>
                  <Table.Td ff="monospace">{r.line}</Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {r.destination || '—'}
                  </Table.Td>
                  <Table.Td maw={340}>
                    <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                      {r.text}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {r.fragments} fragment{r.fragments === 1 ? '' : 's'}
                      {r.sendAt ? ` · at ${formatDateTime(r.sendAt)}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={ROW_STATE_COLORS[r.state]} data-testid="row-state" style={{ minWidth: 'max-content' }}>
                      {ROW_STATE_LABELS[r.state]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {r.messageId ? (
                      <Text size="xs" ff="monospace">
                        {r.messageId}
                      </Text>
                    ) : (
                      '—'
                    )}
                    {r.status && (
                      <Text size="xs" c="dimmed">
                        {messageStatusLabel(r.status)}
                        {r.sentAt ? ` · ${formatDateTime(r.sentAt)}` : ''}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatMoney(r.charge, currency)}</Table.Td>
                  <Table.Td maw={300}>
                    {r.reason && (
                      <Text size="xs" c="red.9" data-testid="row-reason">
                        {r.reason}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {rows.length === 0 && !error && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text c="dimmed" ta="center" py="lg" data-testid="rows-empty">
                      {filters.state ? `No ${ROW_STATE_LABELS[filters.state].toLowerCase()} row.` : 'No row.'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PagerFooter
        pageSizes={BATCH_ROW_PAGE_SIZES}
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
  );
}
