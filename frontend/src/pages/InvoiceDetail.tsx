import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Loader,
  Modal,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconChevronDown,
  IconChevronLeft,
  IconChevronRight,
  IconCircleCheck,
  IconClockExclamation,
  IconFileCheck,
  IconReceiptRefund,
} from '@tabler/icons-react';
import { Fragment, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { InvoiceDetailQuery } from '../../generated/gql/graphql';
import { errorMessages, splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { DownloadButton, InvoiceStateBadge } from '../components/invoices';
import { can } from '../lib/access';
import { formatDate, formatDateTime, formatMoney, formatTimestamp } from '../lib/format';
import {
  compareMoney,
  creditLabel,
  creditNoteErrors,
  creditNoteInput,
  groupLines,
  invoiceNumber,
  periodLabel,
  type CreditMode,
  type CreditValues,
} from '../lib/invoices';
import { currentAfter, firstPage, nextPage, pageNumber, previousPage, rangeLabel, type PageState } from '../lib/paging';

const InvoiceById = graphql(`
  query InvoiceDetail($id: ID!) {
    invoice(id: $id) {
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
      taxNote
      pdfUrl
      csvUrl
      xlsxUrl
      lines {
        id
        seq
        section
        description
        chargeKind
        messageKind
        direction
        numberKind
        country
        carrierId
        late
        quantity
        unitPrice
        rawAmount
        amount
        recordsCsvUrl
      }
      creditNotes {
        id
        number
        reason
        amount
        createdBy
        createdAt
      }
      emails {
        recipient
        sentAt
        outcome
        reference
      }
    }
  }
`);

const InvoiceDetailCustomer = graphql(`
  query InvoiceDetailCustomer($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`);

const InvoiceLineRecords = graphql(`
  query InvoiceLineRecords($lineId: ID!, $first: Int!, $after: String) {
    invoiceLineRecords(lineId: $lineId, first: $first, after: $after) {
      edges {
        node {
          messageId
          oneTimeChargeId
          at
          quantity
          amount
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const IssueInvoice = graphql(`
  mutation IssueInvoice($id: ID!) {
    issueInvoice(id: $id) {
      id
      state
      number
      issuedAt
      total
      balance
      updatedAt
    }
  }
`);

const CreateCreditNote = graphql(`
  mutation CreateCreditNote($input: CreditNoteInput!) {
    createCreditNote(input: $input) {
      id
      number
      amount
    }
  }
`);

type Invoice = InvoiceDetailQuery['invoice'];
type Line = Invoice['lines'][number];

const RECORDS_PAGE = 20;

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Card withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="md" fw={650} mt={2} component="div" style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
        {children}
      </Text>
    </Card>
  );
}

/** `/invoices/:id`: an invoice's lines by section, documents, credit notes and emails. */
export function InvoiceDetail() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const [{ data, fetching, error }, refetch] = useQuery({ query: InvoiceById, variables: { id } });
  const invoice = data?.invoice;
  const staff = can(session.role, 'customer.list');
  const write = can(session.role, 'invoice.write');
  const [customer] = useQuery({
    query: InvoiceDetailCustomer,
    variables: { id: invoice?.customerId ?? '' },
    pause: !invoice || !staff,
  });
  const customerName = staff ? customer.data?.customer.name : session.customerName;
  const [issuing, setIssuing] = useState(false);
  const [crediting, setCrediting] = useState(false);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const title = invoice ? (invoice.number ? `Invoice ${invoice.number}` : 'Draft invoice') : 'Invoice';
  const canCredit = invoice?.state === 'ISSUED' && compareMoney(invoice.balance, '0') === 1;

  return (
    <>
      <PageHeader
        title={title}
        subtitle={
          invoice
            ? `${customerName ?? `Customer #${invoice.customerId}`} · ${periodLabel(invoice.period)}`
            : undefined
        }
        crumbs={[{ label: 'Invoices', to: '/invoices' }, { label: invoice ? invoiceNumber(invoice.number) : id }]}
        actions={
          invoice &&
          write && (
            <>
              {invoice.state === 'DRAFT' && (
                <Button leftSection={<IconFileCheck size={16} />} onClick={() => setIssuing(true)} data-testid="invoice-issue">
                  Issue
                </Button>
              )}
              {canCredit && (
                <Button
                  variant="light"
                  color="orange"
                  leftSection={<IconReceiptRefund size={16} />}
                  onClick={() => setCrediting(true)}
                  data-testid="invoice-credit"
                >
                  Credit note
                </Button>
              )}
            </>
          )
        }
      />
      <ErrorAlert error={error} title="The invoice could not be loaded" />
      {fetching && !data && <TableSkeleton rows={8} label="Loading the invoice" />}
      {invoice && (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
            <Stat label="Number" testId="invoice-detail-number">
              <Text ff={invoice.number ? 'monospace' : undefined} fw={650} size="md">
                {invoiceNumber(invoice.number)}
              </Text>
            </Stat>
            <Stat label="State">
              <InvoiceStateBadge state={invoice.state} size="md" data-testid="invoice-detail-state" />
            </Stat>
            <Stat label="Period" testId="invoice-detail-period">
              {periodLabel(invoice.period)}
            </Stat>
            <Stat label="Issued" testId="invoice-detail-issued">
              {invoice.issuedAt ? (
                <Tooltip label={formatTimestamp(invoice.issuedAt)}>
                  <span>{formatDate(invoice.issuedAt)}</span>
                </Tooltip>
              ) : (
                <Text c="dimmed">Not yet</Text>
              )}
            </Stat>
            <Stat label="Total" testId="invoice-detail-total">
              <Text ff="monospace" fw={650} size="md">
                {formatMoney(invoice.total, invoice.currency)}
              </Text>
            </Stat>
            <Stat label="Balance" testId="invoice-detail-balance">
              <Text ff="monospace" fw={650} size="md">
                {formatMoney(invoice.balance, invoice.currency)}
              </Text>
            </Stat>
          </SimpleGrid>
          <Group justify="space-between" align="center">
            <Text size="sm" c="dimmed" data-testid="invoice-tax-note">
              {invoice.taxNote}
              {invoice.state === 'DRAFT' && ' A draft is recomputed by every run until it is issued.'}
            </Text>
            <Group gap="xs" data-testid="invoice-documents">
              <DownloadButton url={invoice.pdfUrl} data-testid="download-pdf">
                PDF
              </DownloadButton>
              <DownloadButton url={invoice.csvUrl} data-testid="download-csv">
                CSV
              </DownloadButton>
              <DownloadButton url={invoice.xlsxUrl} data-testid="download-xlsx">
                XLSX
              </DownloadButton>
            </Group>
          </Group>
          <Lines invoice={invoice} />
          <CreditNotes invoice={invoice} />
          <Emails invoice={invoice} />
        </Stack>
      )}
      {invoice && (
        <IssueModal
          opened={issuing}
          invoice={invoice}
          customer={customerName ?? `customer #${invoice.customerId}`}
          onClose={() => setIssuing(false)}
          onIssued={() => {
            setIssuing(false);
            reload();
          }}
        />
      )}
      {invoice && (
        <Modal opened={crediting} onClose={() => setCrediting(false)} title="Credit note" centered size="lg">
          {/* Keyed so each opening starts with an empty form. */}
          {crediting && (
            <CreditNoteForm
              key={invoice.balance}
              invoice={invoice}
              onCancel={() => setCrediting(false)}
              onCredited={() => {
                setCrediting(false);
                reload();
              }}
            />
          )}
        </Modal>
      )}
    </>
  );
}

function Lines({ invoice }: { invoice: Invoice }) {
  const [open, setOpen] = useState<string | null>(null);
  const groups = groupLines(invoice.lines);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Lines">
      <Title order={4} mb="xs">
        Lines
      </Title>
      {groups.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="invoice-no-lines">
          No lines: nothing was billed in this period.
        </Text>
      )}
      {groups.map((g) => (
        <Stack key={g.section} gap={4} mb="md" data-testid={`section-${g.section}`}>
          <Text fw={600} size="sm">
            {g.label}
          </Text>
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36} />
                  <Table.Th w={40}>#</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th ta="right" w={100}>
                    Quantity
                  </Table.Th>
                  <Table.Th ta="right" w={130}>
                    Unit price
                  </Table.Th>
                  <Table.Th ta="right" w={150}>
                    Amount
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {g.lines.map((l) => {
                  const expanded = open === l.id;
                  return (
                    <Fragment key={l.id}>
                      <Table.Tr data-testid="invoice-line">
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-expanded={expanded}
                            aria-label={expanded ? `Hide the records of line ${l.seq}` : `Show the records of line ${l.seq}`}
                            onClick={() => setOpen(expanded ? null : l.id)}
                            data-testid="line-toggle"
                          >
                            {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td>{l.seq}</Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Text size="sm">{l.description}</Text>
                            {l.late && (
                              <Tooltip label="Records of an earlier, closed period, billed now">
                                <Badge color="orange" variant="light" size="sm" leftSection={<IconClockExclamation size={12} />} data-testid="line-late">
                                  Late
                                </Badge>
                              </Tooltip>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td ta="right">{l.quantity}</Table.Td>
                        <Table.Td ta="right" ff="monospace">
                          {formatMoney(l.unitPrice)}
                        </Table.Td>
                        <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="line-amount">
                          <Tooltip label={`Exact sum of its records: ${formatMoney(l.rawAmount, invoice.currency)}`}>
                            <span>{formatMoney(l.amount, invoice.currency)}</span>
                          </Tooltip>
                        </Table.Td>
                      </Table.Tr>
                      {expanded && (
                        <Table.Tr>
                          <Table.Td colSpan={6} bg="gray.0">
                            <LineRecords line={l} currency={invoice.currency} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ))}
    </Paper>
  );
}

function LineRecords({ line, currency }: { line: Line; currency: string }) {
  const [page, setPage] = useState<PageState>(firstPage);
  const [{ data, fetching, error }] = useQuery({
    query: InvoiceLineRecords,
    variables: { lineId: line.id, first: RECORDS_PAGE, after: currentAfter(page) },
  });
  const rows = data?.invoiceLineRecords.edges.map((e) => e.node) ?? [];
  const info = data?.invoiceLineRecords.pageInfo;
  return (
    <Stack gap="xs" data-testid="line-records">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Records behind line {line.seq}
        </Text>
        <DownloadButton url={line.recordsCsvUrl} data-testid="line-records-csv">
          Records CSV
        </DownloadButton>
      </Group>
      <ErrorAlert error={error} title="The records could not be loaded" />
      {fetching && !data ? (
        <Loader size="sm" />
      ) : (
        <Table verticalSpacing={4} withTableBorder bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>At</Table.Th>
              <Table.Th>Record</Table.Th>
              <Table.Th ta="right">Quantity</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={`${r.messageId ?? r.oneTimeChargeId ?? ''}-${i}`} data-testid="line-record">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTimestamp(r.at)}</Table.Td>
                <Table.Td>
                  {r.messageId ? (
                    <Anchor component={Link} to={`/messages/${r.messageId}`} ff="monospace" size="xs">
                      {r.messageId}
                    </Anchor>
                  ) : r.oneTimeChargeId ? (
                    <Text size="sm">One-time charge #{r.oneTimeChargeId}</Text>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td ta="right">{r.quantity}</Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatMoney(r.amount, currency)}
                </Table.Td>
              </Table.Tr>
            ))}
            {rows.length === 0 && !error && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed" ta="center">
                    No records.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
      {(pageNumber(page) > 1 || info?.hasNextPage) && (
        <Group justify="flex-end" gap="xs">
          <Text size="xs" c="dimmed">
            {rangeLabel(page, RECORDS_PAGE, rows.length)}
          </Text>
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
      )}
    </Stack>
  );
}

function CreditNotes({ invoice }: { invoice: Invoice }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Credit notes">
      <Title order={4} mb="xs">
        Credit notes
      </Title>
      {invoice.creditNotes.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="credit-notes-empty">
          None.
        </Text>
      ) : (
        <Table verticalSpacing="xs" data-testid="credit-notes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoice.creditNotes.map((c) => (
              <Table.Tr key={c.id} data-testid="credit-note">
                <Table.Td ff="monospace">{c.number}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{formatDateTime(c.createdAt)}</Text>
                  <Text size="xs" c="dimmed">
                    by {c.createdBy}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {c.reason}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="credit-note-amount">
                  {creditLabel(formatMoney(c.amount, invoice.currency))}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function Emails({ invoice }: { invoice: Invoice }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Emails">
      <Title order={4} mb="xs">
        Emails
      </Title>
      {invoice.emails.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="emails-empty">
          {invoice.state === 'DRAFT' ? 'Issuing emails the PDF to the customer’s billing address.' : 'None sent.'}
        </Text>
      ) : (
        <Table verticalSpacing="xs" data-testid="emails">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sent</Table.Th>
              <Table.Th>Recipient</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Reference</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoice.emails.map((e, i) => (
              <Table.Tr key={`${e.sentAt}-${i}`} data-testid="email">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.sentAt)}</Table.Td>
                <Table.Td data-testid="email-recipient">{e.recipient}</Table.Td>
                <Table.Td>
                  <Badge color={e.outcome === 'sent' ? 'teal' : 'red'} variant="light" data-testid="email-outcome">
                    {e.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {e.reference}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function IssueModal({
  opened,
  invoice,
  customer,
  onClose,
  onIssued,
}: {
  opened: boolean;
  invoice: Invoice;
  customer: string;
  onClose: () => void;
  onIssued: () => void;
}) {
  const [{ fetching }, issue] = useMutation(IssueInvoice);
  const [problems, setProblems] = useState<string[]>([]);

  async function confirm() {
    setProblems([]);
    const r = await issue({ id: invoice.id });
    if (r.error || !r.data) {
      setProblems(errorMessages(r.error));
      return;
    }
    notifications.show({
      color: 'teal',
      icon: <IconCircleCheck size={16} />,
      title: `Invoice ${r.data.issueInvoice.number ?? ''} issued`,
      message: `${customer}, ${periodLabel(invoice.period)}: ${formatMoney(r.data.issueInvoice.total, invoice.currency)}`,
    });
    onIssued();
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Issue this invoice?" centered>
      <Stack gap="md">
        <Text size="sm">
          <b>{customer}</b>, {periodLabel(invoice.period)}: {formatMoney(invoice.total, invoice.currency)} in this draft.
        </Text>
        <Text size="sm" c="dimmed">
          Issuing claims the period's records, numbers the invoice and makes it immutable; its PDF is emailed to the
          customer's billing address. Corrections are then made with credit notes.
        </Text>
        {problems.length > 0 && (
          <Alert color="red" variant="light" title="Not issued" icon={<IconAlertTriangle size={18} />} role="alert">
            <List size="sm">
              {problems.map((m) => (
                <List.Item key={m}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={fetching}>
            Back
          </Button>
          <Button onClick={() => void confirm()} loading={fetching} data-testid="confirm-issue">
            Issue
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const CREDIT_FIELDS = ['reason', 'lineIds', 'amount', 'full'];

function CreditNoteForm({ invoice, onCancel, onCredited }: { invoice: Invoice; onCancel: () => void; onCredited: () => void }) {
  const form = useForm<CreditValues>({
    mode: 'controlled',
    initialValues: { mode: 'amount', reason: '', lineIds: [], amount: '' },
    validate: (values) => creditNoteErrors(values, invoice.balance),
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, create] = useMutation(CreateCreditNote);

  async function submit(values: CreditValues) {
    setGeneral([]);
    const r = await create({ input: creditNoteInput(invoice.id, values) });
    if (r.error || !r.data) {
      const split = splitErrors(r.error, CREDIT_FIELDS);
      // `full` is named when the modes clash: the mode picker is where it is fixed.
      const { full, ...fields } = split.fields;
      form.setErrors(fields);
      setGeneral(full ? [full, ...split.general] : split.general);
      return;
    }
    notifications.show({
      color: 'teal',
      icon: <IconCircleCheck size={16} />,
      title: `Credit note ${r.data.createCreditNote.number} made`,
      message: `${creditLabel(formatMoney(r.data.createCreditNote.amount, invoice.currency))} on ${invoiceNumber(invoice.number)}`,
    });
    onCredited();
  }

  const mode = form.values.mode;
  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <Text size="sm">
          Against <b>{invoiceNumber(invoice.number)}</b>, balance{' '}
          <Text span ff="monospace" size="sm">
            {formatMoney(invoice.balance, invoice.currency)}
          </Text>
          . Crediting the whole balance voids the invoice.
        </Text>
        <SegmentedControl
          aria-label="What to credit"
          data={[
            { value: 'amount', label: 'An amount' },
            { value: 'lines', label: 'Selected lines' },
            { value: 'full', label: 'In full' },
          ]}
          value={mode}
          onChange={(v) => {
            form.setFieldValue('mode', v as CreditMode);
            form.clearErrors();
          }}
          data-testid="credit-mode"
        />
        {general.length > 0 && (
          <Alert color="red" variant="light" title="No credit note made" icon={<IconAlertTriangle size={18} />} role="alert">
            <List size="sm">
              {general.map((m) => (
                <List.Item key={m}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {mode === 'amount' && (
          <TextInput
            label="Amount"
            description={`In ${invoice.currency}, at most the balance`}
            placeholder="10.50"
            withAsterisk
            inputMode="decimal"
            rightSection={
              <Text size="xs" c="dimmed">
                {invoice.currency}
              </Text>
            }
            rightSectionWidth={48}
            data-testid="credit-amount"
            {...form.getInputProps('amount')}
          />
        )}
        {mode === 'lines' && (
          <Checkbox.Group
            label="Lines"
            description="What is left of each chosen line is credited"
            withAsterisk
            data-testid="credit-lines"
            {...form.getInputProps('lineIds')}
          >
            <Stack gap={6} mt="xs">
              {invoice.lines.map((l) => (
                <Checkbox
                  key={l.id}
                  value={l.id}
                  label={
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm">
                        {l.seq}. {l.description}
                      </Text>
                      <Text size="sm" ff="monospace" c="dimmed">
                        {formatMoney(l.amount, invoice.currency)}
                      </Text>
                    </Group>
                  }
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        {mode === 'full' && (
          <Text size="sm" data-testid="credit-full">
            Credits the whole balance, {formatMoney(invoice.balance, invoice.currency)}, and voids the invoice.
          </Text>
        )}
        <Textarea
          label="Reason"
          description="Required: printed on the credit note the customer receives."
          withAsterisk
          autosize
          minRows={2}
          data-testid="credit-reason"
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={fetching}>
            Back
          </Button>
          <Button type="submit" color="orange" loading={fetching} data-testid="confirm-credit">
            Make credit note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
