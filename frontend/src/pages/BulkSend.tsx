import {
  Alert,
  Anchor,
  Badge,
  Button,
  FileInput,
  Group,
  Modal,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconEye, IconFileSpreadsheet, IconSend } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { PreviewSendMutation } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { can } from '../lib/access';
import {
  ACCEPT_ATTRIBUTE,
  BATCH_STATE_COLORS,
  BATCH_STATE_LABELS,
  countsByState,
  fileProblem,
  progressPercent,
  sendLabel,
  splitProblem,
} from '../lib/bulk';
import { describeNumberKind, formatDateTime, formatMoney } from '../lib/format';
import { ENCODING_LABELS } from '../lib/preview';

const BulkCustomers = graphql(`
  query BulkCustomers {
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

const BulkNumbers = graphql(`
  query BulkNumbers($customerId: ID) {
    numbers(customerId: $customerId, first: 100) {
      edges {
        node {
          id
          address
          kind
          shortCodeType
          messagingEnabled
        }
      }
    }
  }
`);

const PreviewSend = graphql(`
  mutation PreviewSend($file: Upload!, $from: String!) {
    previewSend(file: $file, from: $from) {
      fileName
      from
      customerId
      currency
      rows
      sendable
      fragments
      price
      mergeFields
      failures {
        line
        destination
        problem
      }
      sample {
        line
        destination
        text
        encoding
        fragments
        price
        priority
        sendAt
        problem
      }
    }
  }
`);

const StartSend = graphql(`
  mutation StartSend($file: Upload!, $from: String!, $name: String) {
    startSend(file: $file, from: $from, name: $name) {
      id
      name
      state
      totalRows
    }
  }
`);

const RecentBatches = graphql(`
  query RecentBatches($customerId: ID, $first: Int!) {
    sendBatches(customerId: $customerId, first: $first) {
      edges {
        node {
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
          charged
          currency
          createdAt
          createdBy
        }
      }
    }
  }
`);

type Preview = PreviewSendMutation['previewSend'];

/** `/bulk-send`: a spreadsheet judged row by row (nothing sent), then sent as a batch; the recent batches. */
export function BulkSend() {
  const session = useSignedIn();
  const navigate = useNavigate();
  const pickCustomer = can(session.role, 'customer.list');
  const [customerId, setCustomerId] = useState<string | null>(pickCustomer ? null : session.customerId);
  const [from, setFrom] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [fromError, setFromError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  // The preview of exactly this file from exactly this number; another choice discards it.
  const [preview, setPreview] = useState<{ file: File; from: string; result: Preview } | null>(null);
  const [confirming, setConfirming] = useState(false);

  const [customers] = useQuery({ query: BulkCustomers, pause: !pickCustomer });
  const customerOptions = (customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }));
  const customerNames = useMemo(
    () => new Map((customers.data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])),
    [customers.data],
  );
  const [numbers] = useQuery({ query: BulkNumbers, variables: { customerId }, pause: !customerId });
  const numberOptions = (numbers.data?.numbers.edges ?? []).map(({ node: n }) => ({
    value: n.address,
    label: `${n.address} · ${describeNumberKind(n.kind, n.shortCodeType)}${n.messagingEnabled ? '' : ' (not enabled)'}`,
    disabled: !n.messagingEnabled,
  }));

  const [previewing, previewSend] = useMutation(PreviewSend);
  const [starting, startSend] = useMutation(StartSend);
  const current = preview && preview.file === file && preview.from === from ? preview.result : null;

  function check(): { file: File; from: string } | null {
    const problem = fileProblem(file);
    setFileError(file ? problem : 'Choose a spreadsheet.');
    setFromError(from ? null : 'Choose the number to send from.');
    setGeneral([]);
    if (problem || !file || !from) return null;
    return { file, from };
  }

  function showErrors(error: Parameters<typeof splitErrors>[0]) {
    const split = splitErrors(error, ['file', 'from']);
    setFileError(split.fields.file ?? null);
    setFromError(split.fields.from ?? null);
    setGeneral(split.general);
  }

  async function runPreview(e: React.FormEvent) {
    e.preventDefault();
    const input = check();
    if (!input) return;
    const r = await previewSend(input);
    if (r.error) return showErrors(r.error);
    if (r.data) setPreview({ ...input, result: r.data.previewSend });
  }

  async function send() {
    const input = check();
    if (!input) return;
    const r = await startSend({ ...input, name: name.trim() || null }, { additionalTypenames: ['SendBatch'] });
    setConfirming(false);
    if (r.error) return showErrors(r.error);
    if (!r.data) return;
    const batch = r.data.startSend;
    notifications.show({ color: 'teal', title: `Batch ${batch.name} started`, message: `${batch.totalRows} rows` });
    navigate(`/bulk-send/${batch.id}`);
  }

  return (
    <>
      <PageHeader
        title="Bulk sending"
        subtitle="Send a spreadsheet of messages from one of your numbers: preview it first (every row judged as admission would, nothing sent), then send it and watch it go."
      />
      <Paper withBorder radius="md" p="lg" mb="md" component="section" aria-labelledby="bulk-file-title">
        <Title order={3} id="bulk-file-title" mb="sm">
          Spreadsheet
        </Title>
        <form onSubmit={runPreview} noValidate>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {pickCustomer ? (
              <Select
                label="Customer"
                description="Whose number sends"
                placeholder={customers.fetching ? 'Loading…' : 'Choose a customer'}
                data={customerOptions}
                value={customerId}
                onChange={(v) => {
                  setCustomerId(v);
                  setFrom(null);
                }}
                searchable
                data-testid="bulk-customer"
              />
            ) : (
              <TextInput label="Customer" value={session.customerName ?? 'Your account'} readOnly />
            )}
            <Select
              label="Sending number"
              description="Only numbers enabled for messaging send"
              placeholder={!customerId ? 'Choose a customer first' : numbers.fetching ? 'Loading…' : 'Choose a number'}
              data={numberOptions}
              value={from}
              onChange={(v) => {
                setFrom(v);
                setFromError(null);
              }}
              disabled={!customerId}
              error={fromError}
              data-testid="bulk-from"
            />
            <FileInput
              label="Spreadsheet"
              description="CSV (UTF-8), XLSX, XLS or ODS; a header row with destination and text, optional send_at, priority and merge-field columns; at most 20 MiB"
              placeholder="Choose a file"
              accept={ACCEPT_ATTRIBUTE}
              value={file}
              onChange={(f) => {
                setFile(f);
                setFileError(f ? fileProblem(f) : null);
              }}
              leftSection={<IconFileSpreadsheet size={16} aria-hidden />}
              clearable
              clearButtonProps={{ 'aria-label': 'Remove the file' }}
              error={fileError}
              data-testid="bulk-file"
            />
            <TextInput
              label="Batch name"
              description="Optional; the file's name otherwise"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-testid="bulk-name"
            />
          </SimpleGrid>
          <Group mt="md">
            <Button type="submit" leftSection={<IconEye size={16} />} loading={previewing.fetching} data-testid="bulk-preview">
              Preview
            </Button>
            <Text size="xs" c="dimmed">
              The preview sends nothing and stores nothing.
            </Text>
          </Group>
        </form>
        {general.length > 0 && (
          <Alert color="red" variant="light" title="Not read" icon={<IconAlertTriangle size={18} />} role="alert" mt="md">
            {general.join(' ')}
          </Alert>
        )}
      </Paper>

      {current && <PreviewResult preview={current} onSend={() => setConfirming(true)} sending={starting.fetching} />}

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={current ? `${sendLabel(current.sendable)}?` : 'Send?'} centered>
        {current && (
          <Stack gap="md">
            <Text size="sm">
              {current.sendable.toLocaleString('en-US')} of {current.rows.toLocaleString('en-US')} rows of <b>{current.fileName}</b> are sent
              from {current.from} at the number's throttle, {current.fragments.toLocaleString('en-US')} fragments for about{' '}
              {formatMoney(current.price, current.currency)}.
              {current.failures.length > 0 &&
                ` The ${current.failures.length} failing row${current.failures.length === 1 ? ' is' : 's are'} kept as skipped, with the reason.`}{' '}
              You can cancel the rows not yet sent.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)} disabled={starting.fetching}>
                Not now
              </Button>
              <Button leftSection={<IconSend size={16} />} onClick={() => void send()} loading={starting.fetching} data-testid="confirm-send">
                {sendLabel(current.sendable)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <RecentBatchList customerId={pickCustomer ? null : session.customerId} customerName={(id) => customerNames.get(id) ?? null} />
    </>
  );
}

function Figure({ label, value, testId }: { label: string; value: React.ReactNode; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

function PreviewResult({ preview, onSend, sending }: { preview: Preview; onSend: () => void; sending: boolean }) {
  return (
    <Paper withBorder radius="md" p="lg" mb="md" component="section" aria-labelledby="bulk-preview-title" data-testid="bulk-preview-result">
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Title order={3} id="bulk-preview-title">
            Preview of {preview.fileName}
          </Title>
          <Text size="xs" c="dimmed">
            From {preview.from}, at today's rates. Totals count only the rows that would be sent.
          </Text>
        </div>
        <Button leftSection={<IconSend size={16} />} onClick={onSend} disabled={preview.sendable === 0} loading={sending} data-testid="bulk-send">
          {sendLabel(preview.sendable)}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 5 }} mb="md">
        <Figure label="Rows read" value={preview.rows.toLocaleString('en-US')} testId="preview-rows" />
        <Figure label="To send" value={preview.sendable.toLocaleString('en-US')} testId="preview-sendable" />
        <Figure label="Fragments" value={preview.fragments.toLocaleString('en-US')} testId="preview-fragments" />
        <Figure label="Price" value={formatMoney(preview.price, preview.currency)} testId="preview-price" />
        <Figure
          label="Merge fields"
          value={
            preview.mergeFields.length > 0 ? (
              <Group gap={4} component="span">
                {preview.mergeFields.map((f) => (
                  <Badge key={f} variant="outline" color="gray" tt="none">{`{{${f}}}`}</Badge>
                ))}
              </Group>
            ) : (
              'none'
            )
          }
          testId="preview-merge-fields"
        />
      </SimpleGrid>

      {preview.failures.length > 0 ? (
        <>
          <Title order={4} mb={4} id="bulk-failures-title">
            {preview.failures.length} failing row{preview.failures.length === 1 ? '' : 's'}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            Not sent: a send keeps them as skipped, with this reason. Fix the file and preview again to send them.
          </Text>
          <Table.ScrollContainer minWidth={640} mb="md">
            <Table verticalSpacing="xs" data-testid="preview-failures" aria-labelledby="bulk-failures-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Destination</Table.Th>
                  <Table.Th>Column</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.failures.map((f) => {
                  const { field, reason } = splitProblem(f.problem ?? '');
                  return (
                    <Table.Tr key={f.line} data-testid={`failure-${f.line}`} bg="red.0">
                      <Table.Td ff="monospace">{f.line}</Table.Td>
                      <Table.Td ff="monospace">{f.destination || '—'}</Table.Td>
                      <Table.Td>{field ?? '—'}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c="red.9" data-testid="failure-reason">
                          {reason}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      ) : (
        <Text size="sm" mb="md" data-testid="preview-no-failures">
          Every row would be sent.
        </Text>
      )}

      <Title order={4} mb={4} id="bulk-sample-title">
        As they would be sent
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        The first rows, merge fields filled in; a failing row is marked and not sent.
      </Text>
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="xs" data-testid="preview-sample" aria-labelledby="bulk-sample-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Destination</Table.Th>
              <Table.Th>Text</Table.Th>
              <Table.Th>Encoding</Table.Th>
              <Table.Th>Fragments</Table.Th>
              <Table.Th>Price</Table.Th>
              <Table.Th>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.sample.map((r) => (
              <Table.Tr key={r.line} data-testid={`sample-${r.line}`} data-fails={Boolean(r.problem)} bg={r.problem ? 'red.0' : undefined}>
                <Table.Td ff="monospace">{r.line}</Table.Td>
                <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                  {r.destination}
                </Table.Td>
                <Table.Td maw={420}>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {r.text}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={r.encoding === 'GSM7' ? 'teal' : 'orange'} style={{ minWidth: 'max-content' }}>
                    {ENCODING_LABELS[r.encoding]}
                  </Badge>
                </Table.Td>
                <Table.Td>{r.problem ? '—' : r.fragments}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {r.problem ? (
                    <Badge variant="light" color="red" style={{ minWidth: 'max-content' }}>
                      Not sent
                    </Badge>
                  ) : (
                    formatMoney(r.price, preview.currency)
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {r.sendAt ? formatDateTime(r.sendAt) : 'now'}
                  {r.priority > 0 && (
                    <Text size="xs" c="dimmed">
                      priority {r.priority}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {preview.sample.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text c="dimmed" ta="center" py="md">
                    No row would be sent.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function RecentBatchList({ customerId, customerName }: { customerId: string | null; customerName: (id: string) => string | null }) {
  const context = useMemo(() => ({ additionalTypenames: ['SendBatch'] }), []);
  // Batches move on while the page is away: show what is cached, then what is true now.
  const [{ data, fetching, error }] = useQuery({
    query: RecentBatches,
    variables: { customerId, first: 20 },
    context,
    requestPolicy: 'cache-and-network',
  });
  const batches = data?.sendBatches.edges.map((e) => e.node) ?? [];
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="bulk-recent-title">
      <Title order={3} id="bulk-recent-title" mb="sm">
        Recent batches
      </Title>
      <ErrorAlert error={error} title="The batches could not be loaded" />
      {fetching && !data ? (
        <TableSkeleton rows={3} label="Loading batches" />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" data-testid="batches-table" aria-busy={fetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Batch</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Progress</Table.Th>
                <Table.Th>Sent · skipped · failed</Table.Th>
                <Table.Th>Charged</Table.Th>
                <Table.Th>Started</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {batches.map((b) => {
                const by = countsByState(b.counts);
                const who = customerName(b.customerId);
                return (
                  <Table.Tr key={b.id} data-testid={`batch-${b.id}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/bulk-send/${b.id}`} fw={600} underline="always">
                        {b.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        #{b.id} · {b.fileName} · {b.totalRows} rows{who ? ` · ${who}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td ff="monospace">{b.source}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={BATCH_STATE_COLORS[b.state]} style={{ minWidth: 'max-content' }}>
                        {BATCH_STATE_LABELS[b.state]}
                      </Badge>
                    </Table.Td>
                    <Table.Td miw={140}>
                      <Progress value={b.progress * 100} size="sm" aria-label={`Batch ${b.id}: ${progressPercent(b.progress)} finished`} />
                      <Text size="xs" c="dimmed">
                        {progressPercent(b.progress)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {by.SENT} · {by.SKIPPED} · {by.FAILED}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatMoney(b.charged, b.currency)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(b.createdAt)}
                      <Text size="xs" c="dimmed">
                        {b.createdBy}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {batches.length === 0 && !error && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text c="dimmed" ta="center" py="lg" data-testid="batches-empty">
                      No batch sent yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
