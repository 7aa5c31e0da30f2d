import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Timeline,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCheck, IconClock, IconHourglass, IconInfoCircle, IconList, IconMailOff, IconX } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { MessageDetailQuery, MessageStatus } from '../../generated/gql/graphql';
import { errorMessages } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { CarrierLabel, MessageStatusBadge, MessageText, useCarrierNames } from '../components/messages';
import { MmsContentCard } from '../components/mms';
import { can } from '../lib/access';
import { formatMoney, formatTimestamp } from '../lib/format';
import {
  chargeKindLabel,
  dataCodingLabel,
  DIRECTION_LABELS,
  elapsed,
  formatErrorCode,
  matchingSplit,
  MESSAGE_STATUS_COLORS,
  messageEncoding,
  messageStatusLabel,
  priorityLabel,
  statusHistory,
} from '../lib/messages';
import { ENCODING_LABELS, fragmentCapacity, UNIT_NAMES } from '../lib/preview';

const MessageById = graphql(`
  query MessageDetail($id: ID!) {
    message(id: $id) {
      id
      messageId
      customerId
      direction
      kind
      source
      destination
      destinationCountry
      carrierId
      carrierCode
      carrierMessageId
      connector
      priority
      status
      encoding
      dataCoding
      fragmentCount
      body
      submittedAt
      sentAt
      doneAt
      expiresAt
      errorCode
      rejectReason
      subject
      useCaseId
      parts {
        seq
        contentType
        contentId
        filename
        sizeBytes
      }
      charge {
        amount
        currency
      }
      charges {
        kind
        quantity
        unitPrice
        amount
        international
      }
    }
  }
`);

const CancelMessage = graphql(`
  mutation CancelMessage($id: ID!) {
    cancelMessage(id: $id) {
      id
      status
      doneAt
    }
  }
`);

const MessageDetailCustomer = graphql(`
  query MessageDetailCustomer($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`);

// The record keeps the fragment count, not the split: the split is recomputed with both header
// sizes, and shown when one agrees with the record.
const MessageFragments = graphql(`
  query MessageFragments($text: String!) {
    six: messagePreview(text: $text, udhOctets: 6) {
      encoding
      fragmentCount
      fragments {
        text
        units
      }
      nonGsmCharacters {
        character
      }
    }
    seven: messagePreview(text: $text, udhOctets: 7) {
      encoding
      fragmentCount
      fragments {
        text
        units
      }
      nonGsmCharacters {
        character
      }
    }
  }
`);

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" mt={2} component="div" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

const STEP_ICONS: Record<MessageStatus, typeof IconCheck> = {
  ACCEPTED: IconCheck,
  ENROUTE: IconClock,
  DELIVERED: IconCheck,
  UNDELIVERABLE: IconX,
  EXPIRED: IconHourglass,
  REJECTED: IconBan,
  CANCELLED: IconX,
  DELIVERED_UNCONFIRMED: IconCheck,
};

/** `/messages/:id`, by the numeric id or the message_id the customer saw. */
export function MessageDetail() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MessageById, variables: { id } });
  const m = data?.message;
  const staff = can(session.role, 'customer.list');
  const [customer] = useQuery({
    query: MessageDetailCustomer,
    variables: { id: m?.customerId ?? '' },
    pause: !m || !staff,
  });
  const carriers = useCarrierNames();
  const customerName = staff ? customer.data?.customer.name : session.customerName;
  const [confirming, setConfirming] = useState(false);
  const [cancelling, cancel] = useMutation(CancelMessage);

  async function confirmCancel() {
    if (!m) return;
    // `cancelMessage` finds the message by its message_id (the record id is NOT_FOUND there).
    const r = await cancel({ id: m.messageId });
    setConfirming(false);
    if (r.error) {
      notifications.show({ color: 'red', title: 'Not cancelled', message: errorMessages(r.error).join(' ') });
    } else {
      notifications.show({
        color: 'teal',
        icon: <IconCheck size={16} />,
        title: 'Cancelled',
        message: `Message ${m.messageId} will not be sent.`,
      });
    }
    // Cancelled, or (CONFLICT) the carrier took it meanwhile: either way its status moved on.
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <>
      <PageHeader
        title={m ? `Message ${m.messageId}` : fetching ? 'Loading…' : 'Message'}
        subtitle={
          m
            ? `#${m.id} · ${m.kind} ${m.direction} · ${customerName ?? `customer #${m.customerId}`}`
            : undefined
        }
        crumbs={[{ label: 'Messages', to: '/messages' }, { label: m?.messageId ?? id }]}
        actions={
          m && (
            <>
              <MessageStatusBadge status={m.status} size="xl" radius="sm" data-testid="message-detail-status" />
              {m.status === 'ACCEPTED' && can(session.role, 'message.cancel') && (
                <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => setConfirming(true)}>
                  Cancel
                </Button>
              )}
              <Button
                variant="default"
                component={Link}
                to={`/messages?number=${encodeURIComponent(m.direction === 'MT' ? m.source : m.destination)}`}
                leftSection={<IconList size={16} />}
              >
                Messages of {m.direction === 'MT' ? m.source : m.destination}
              </Button>
            </>
          )
        }
      />
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Cancel this message?" centered>
        <Stack gap="md">
          <Text size="sm">
            Message <b>{m?.messageId}</b> to {m?.destination} is still waiting for its carrier. Cancelled, it is never sent and
            its status becomes final (Cancelled). A message the carrier already has cannot be cancelled.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={cancelling.fetching}>
              Keep it
            </Button>
            <Button color="red" onClick={confirmCancel} loading={cancelling.fetching} data-testid="confirm-cancel">
              Cancel message
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ErrorAlert error={error} title="The message could not be loaded" />
      {fetching && !data && <TableSkeleton rows={6} label="Loading message" />}
      {m && (
        <Stack gap="lg">
          {m.status === 'REJECTED' && (
            <Alert color={MESSAGE_STATUS_COLORS.REJECTED} variant="light" title="Rejected at admission" icon={<IconBan size={18} />} data-testid="reject-reason">
              {m.rejectReason ? `${sentence(m.rejectReason)} ` : 'No reason recorded. '}
              The message was still received, acknowledged with a message id and rated.
            </Alert>
          )}
          {m.status === 'DELIVERED_UNCONFIRMED' && (
            <Alert
              color={MESSAGE_STATUS_COLORS.DELIVERED_UNCONFIRMED}
              variant="light"
              title="Delivered, no receipt from the carrier"
              icon={<IconMailOff size={18} />}
              data-testid="delivered-unconfirmed"
            >
              {m.carrierCode ?? 'The carrier'} took this message but sends no delivery reports for A2P MMS, so no receipt
              will ever come: it is as delivered as anyone will know. None is invented for the customer, and its status will
              not change.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
            <Paper withBorder radius="md" p="lg" style={{ gridColumn: 'span 2' }}>
              <Title order={4} mb="md">
                Message
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
                <Field label="Message id" testId="message-detail-message-id">
                  <Text ff="monospace" size="sm">
                    {m.messageId}
                  </Text>
                </Field>
                <Field label="Record id">#{m.id}</Field>
                <Field label="Customer">
                  {staff ? (
                    <Anchor component={Link} to={`/customers/${m.customerId}`} size="sm">
                      {customerName ?? `#${m.customerId}`}
                    </Anchor>
                  ) : (
                    (customerName ?? `#${m.customerId}`)
                  )}
                </Field>
                <Field label="Source">
                  <Text ff="monospace" size="sm">
                    {m.source}
                  </Text>
                </Field>
                <Field label="Destination">
                  <Text ff="monospace" size="sm" span>
                    {m.destination}
                  </Text>
                  {m.destinationCountry && (
                    <Badge ml={6} size="sm" variant="light" color="gray">
                      {m.destinationCountry}
                    </Badge>
                  )}
                </Field>
                <Field label="Kind and direction">
                  {m.kind} · {DIRECTION_LABELS[m.direction]}
                </Field>
                <Field label="Carrier" testId="message-detail-carrier">
                  <CarrierLabel id={m.carrierId} code={m.carrierCode} carriers={carriers} />
                </Field>
                <Field label="Connector" testId="message-detail-connector">
                  {m.connector ? (
                    <Text ff="monospace" size="sm">
                      {m.connector}
                    </Text>
                  ) : (
                    '—'
                  )}
                </Field>
                <Field label="Carrier message id" testId="message-detail-carrier-message-id">
                  {m.carrierMessageId ? (
                    <Text ff="monospace" size="sm">
                      {m.carrierMessageId}
                    </Text>
                  ) : (
                    '—'
                  )}
                </Field>
                <Field label="Priority" testId="message-detail-priority">
                  {priorityLabel(m.priority)}
                </Field>
                <Field label="Submitted">{formatTimestamp(m.submittedAt)}</Field>
                <Field label="Sent to carrier" testId="message-detail-sent-at">
                  {formatTimestamp(m.sentAt)}
                  {elapsed(m.submittedAt, m.sentAt) && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (after {elapsed(m.submittedAt, m.sentAt)})
                    </Text>
                  )}
                </Field>
                <Field label="Done">
                  {formatTimestamp(m.doneAt)}
                  {m.status !== 'REJECTED' && elapsed(m.submittedAt, m.doneAt) && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (after {elapsed(m.submittedAt, m.doneAt)})
                    </Text>
                  )}
                </Field>
                <Field label="Valid until" testId="message-detail-expires-at">
                  {formatTimestamp(m.expiresAt)}
                </Field>
                <Field label="Error code" testId="message-detail-error-code">
                  {formatErrorCode(m.errorCode)}
                  {m.errorCode === 0 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (no error)
                    </Text>
                  )}
                </Field>
                {m.rejectReason && m.status !== 'REJECTED' && <Field label="Reject reason">{m.rejectReason}</Field>}
              </SimpleGrid>
            </Paper>
            <StatusHistoryCard message={m} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
            <Paper withBorder radius="md" p="lg" data-testid="message-charges">
              <Group justify="space-between" mb="sm">
                <Title order={4}>Charge</Title>
                <Text fw={700} ff="monospace" data-testid="message-detail-charge">
                  {formatMoney(m.charge.amount, m.charge.currency)}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" mb="sm">
                Every message received is rated per fragment, delivered or not.
              </Text>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    <Table.Th ta="right">Quantity</Table.Th>
                    <Table.Th ta="right">Unit price</Table.Th>
                    <Table.Th ta="right">Amount</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {m.charges.map((c, i) => (
                    <Table.Tr key={i} data-testid="charge-line">
                      <Table.Td>
                        {chargeKindLabel(c.kind)}
                        {c.international && (
                          <Tooltip label="Priced at the card's international rate (non-GSM content)">
                            <Badge ml="xs" size="sm" color="orange" variant="light" leftSection={<IconInfoCircle size={12} />}>
                              international rate
                            </Badge>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{c.quantity}</Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {formatMoney(c.unitPrice)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace">
                        {formatMoney(c.amount)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  {m.charges.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={4}>
                        <Text c="dimmed" size="sm" ta="center" py="sm">
                          No charge lines.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                  <Table.Tr>
                    <Table.Td colSpan={3} fw={700}>
                      Total
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" fw={700}>
                      {formatMoney(m.charge.amount, m.charge.currency)}
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Paper>
            {m.kind === 'MMS' ? (
              <MmsContentCard subject={m.subject} useCaseId={m.useCaseId} parts={m.parts} body={m.body} />
            ) : (
              <FragmentsCard message={m} />
            )}
          </SimpleGrid>
        </Stack>
      )}
    </>
  );
}

type Detail = MessageDetailQuery['message'];

/** "alphanumeric IDs may not…" → "Alphanumeric IDs may not….", for a reason shown as a sentence. */
function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function StatusHistoryCard({ message: m }: { message: Detail }) {
  const history = statusHistory(m);
  const active = history.steps.length - 1;
  return (
    <Card withBorder radius="md" p="lg" data-testid="status-history">
      <Title order={4} mb="md">
        Status history
      </Title>
      <Timeline active={active} bulletSize={26} lineWidth={2} color={MESSAGE_STATUS_COLORS[m.status]}>
        {history.steps.map((step, i) => {
          const Icon = STEP_ICONS[step.status];
          const since = i > 0 ? elapsed(history.steps[i - 1]?.at, step.at) : null;
          return (
            <Timeline.Item
              key={step.status}
              bullet={<Icon size={14} />}
              title={
                <Group gap={6}>
                  <Text fw={600} size="sm">
                    {messageStatusLabel(step.status)}
                  </Text>
                  {step.current && (
                    <Badge size="xs" variant="light" color={MESSAGE_STATUS_COLORS[step.status]}>
                      now
                    </Badge>
                  )}
                </Group>
              }
              data-testid="history-step"
            >
              <Text size="xs" c="dimmed">
                {step.at ? formatTimestamp(step.at) : 'time not recorded'}
                {since ? ` · ${since} later` : ''}
              </Text>
              <Text size="sm" mt={2}>
                {step.description}
              </Text>
            </Timeline.Item>
          );
        })}
        {history.awaitingFinal && (
          <Timeline.Item
            bullet={
              <ThemeIcon size={26} radius="xl" variant="default">
                <IconHourglass size={14} />
              </ThemeIcon>
            }
            lineVariant="dashed"
            title={
              <Text fw={600} size="sm" c="dimmed">
                Final status
              </Text>
            }
          >
            <Text size="xs" c="dimmed">
              {m.status === 'ACCEPTED'
                ? 'Waiting for its carrier; then delivered, undeliverable or expired.'
                : 'Awaiting the carrier: delivered, undeliverable or expired.'}
            </Text>
          </Timeline.Item>
        )}
      </Timeline>
      <Text size="xs" c="dimmed" mt="md">
        The record keeps when the message was submitted, when its carrier acknowledged it (en route) and when it became
        final.
      </Text>
    </Card>
  );
}

function FragmentsCard({ message: m }: { message: Detail }) {
  const encoding = messageEncoding(m.encoding);
  const body = m.body ?? null;
  const [preview] = useQuery({
    query: MessageFragments,
    variables: { text: body ?? '' },
    pause: !body || m.kind !== 'SMS',
  });
  const split = body
    ? matchingSplit(m, [
        preview.data && { ...preview.data.six, udhOctets: 6 },
        preview.data && { ...preview.data.seven, udhOctets: 7 },
      ])
    : null;
  const flagged = split?.nonGsmCharacters.map((c) => c.character) ?? [];
  const capacity = split ? fragmentCapacity(split.encoding, split.fragmentCount, split.udhOctets) : 0;

  return (
    <Paper withBorder radius="md" p="lg" data-testid="message-fragments">
      <Title order={4} mb="sm">
        Fragments
      </Title>
      <SimpleGrid cols={3} spacing="sm" mb="md">
        <Card withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Fragments
          </Text>
          <Text size="xl" fw={700} data-testid="message-detail-fragment-count">
            {m.fragmentCount}
          </Text>
        </Card>
        <Card withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Encoding
          </Text>
          <Text size="lg" fw={700} data-testid="message-detail-encoding">
            {encoding ? ENCODING_LABELS[encoding] : m.encoding}
          </Text>
        </Card>
        <Card withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Data coding
          </Text>
          <Text size="sm" fw={600} mt={4}>
            {dataCodingLabel(m.dataCoding)}
          </Text>
        </Card>
      </SimpleGrid>
      {body === null ? (
        <Text c="dimmed" size="sm">
          The text is not kept any more: message content is purged 30 days after processing. The record, its fragments and
          charge stay.
        </Text>
      ) : preview.fetching && !preview.data ? (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Finding the fragment boundaries…
          </Text>
        </Group>
      ) : split ? (
        <Stack gap="sm">
          {split.fragments.map((f, i) => (
            <Box key={i} data-testid="message-fragment">
              <Group justify="space-between" mb={4}>
                <Text size="sm" fw={600}>
                  Fragment {i + 1} of {split.fragmentCount}
                </Text>
                <Text size="xs" c="dimmed">
                  {f.units} / {capacity} {UNIT_NAMES[split.encoding]}
                </Text>
              </Group>
              <Progress
                aria-label={`Fragment ${i + 1}: ${f.units} of ${capacity} units`}
                value={Math.min(100, (f.units / capacity) * 100)} size="sm" color={f.units >= capacity ? 'orange' : 'indigo'} mb={6} />
              <MessageText text={f.text} flagged={flagged} />
            </Box>
          ))}
          {split.fragmentCount > 1 && (
            <Text size="xs" c="dimmed">
              Boundaries as the gateway splits this text with a {split.udhOctets}-octet concatenation header; a sender that split
              the text into parts itself may have cut elsewhere.
            </Text>
          )}
        </Stack>
      ) : (
        <Stack gap="xs">
          <MessageText text={body} />
          <Text size="xs" c="dimmed">
            {preview.error
              ? 'The fragment boundaries could not be computed.'
              : 'The sender split this text itself: the boundaries are not recorded, only the count.'}
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
