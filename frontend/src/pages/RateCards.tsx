import {
  Alert,
  Badge,
  Button,
  Checkbox,
  FileButton,
  Group,
  List,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCircleCheck, IconDownload, IconPencil, IconPlus, IconTrash, IconUpload } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { Direction, MessageKind, NumberKind, RateCardsQuery } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { can } from '../lib/access';
import { saveBlob } from '../lib/download';
import { formatMoney, NUMBER_KIND_LABELS } from '../lib/format';
import {
  cardErrors,
  cardUpdateInput,
  dayOf,
  feeErrors,
  feeInput,
  jurisdictionError,
  newCardInput,
  PERIOD_STATE_COLORS,
  PERIOD_STATE_LABELS,
  periodLabel,
  periodState,
  priceError,
  ratesFileName,
  sortRates,
  type CardValues,
  type FeeValues,
} from '../lib/rates';

const RateCardsQueryDoc = graphql(`
  query RateCards {
    rateCards {
      id
      name
      customerId
      currency
      effectiveFrom
      effectiveTo
      nonGsmInternational
      udhOctets
      rates {
        id
        messageKind
        direction
        numberKind
        jurisdiction
        unitPrice
      }
    }
    carrierFees {
      id
      carrierId
      messageKind
      direction
      currency
      perMessage
      perFiling
      effectiveFrom
      effectiveTo
    }
    carriers {
      id
      code
      name
    }
    customers(first: 100) {
      edges {
        node {
          id
          name
          currency
        }
      }
    }
  }
`);

const RatesCsv = graphql(`
  query RatesCsv($id: ID!) {
    rateCard(id: $id) {
      id
      name
      ratesCsv
    }
  }
`);

const CreateRateCard = graphql(`
  mutation CreateRateCard($input: NewRateCardInput!) {
    createRateCard(input: $input) {
      id
      name
    }
  }
`);

const UpdateRateCard = graphql(`
  mutation UpdateRateCard($id: ID!, $input: RateCardUpdateInput!) {
    updateRateCard(id: $id, input: $input) {
      id
      name
      effectiveFrom
      effectiveTo
      nonGsmInternational
      udhOctets
    }
  }
`);

const SetRate = graphql(`
  mutation SetRate($input: RateInput!) {
    setRate(input: $input) {
      id
      unitPrice
    }
  }
`);

const DeleteRate = graphql(`
  mutation DeleteRate($id: ID!) {
    deleteRate(id: $id)
  }
`);

const ImportRates = graphql(`
  mutation ImportRates($rateCardId: ID!, $csv: String!, $replace: Boolean!) {
    importRates(rateCardId: $rateCardId, csv: $csv, replace: $replace)
  }
`);

const CreateCarrierFee = graphql(`
  mutation CreateCarrierFee($input: NewCarrierFeeInput!) {
    createCarrierFee(input: $input) {
      id
    }
  }
`);

type Card = RateCardsQuery['rateCards'][number];
type Rate = Card['rates'][number];

const KINDS: MessageKind[] = ['SMS', 'MMS'];
const DIRECTIONS: Direction[] = ['MT', 'MO'];
const NUMBER_KINDS: NumberKind[] = ['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE', 'ALPHANUMERIC'];

function PeriodBadge({ from, to }: { from: string; to: string | null | undefined }) {
  const state = periodState(from, to);
  return (
    <Badge color={PERIOD_STATE_COLORS[state]} variant="light" data-testid="period-state">
      {PERIOD_STATE_LABELS[state]}
    </Badge>
  );
}

/** `/rate-cards` (finance, admin): rate cards with their rates, CSV in and out; carrier pass-through fees. */
export function RateCards() {
  const session = useSignedIn();
  const write = can(session.role, 'rates.write');
  const [params, setParams] = useSearchParams();
  const context = useMemo(() => ({ additionalTypenames: ['RateCard', 'Rate', 'CarrierFee'] }), []);
  const [{ data, fetching, error }, refetch] = useQuery({ query: RateCardsQueryDoc, context });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const customers = useMemo(() => new Map((data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])), [data]);
  const carriers = useMemo(() => new Map((data?.carriers ?? []).map((c) => [c.id, c])), [data]);
  const cards = data?.rateCards ?? [];
  const selectedId = params.get('card') ?? cards[0]?.id ?? null;
  const selected = cards.find((c) => c.id === selectedId) ?? null;
  const [creating, setCreating] = useState(false);
  const [addingFee, setAddingFee] = useState(false);
  const owner = (c: Card) => (c.customerId ? (customers.get(c.customerId) ?? `customer #${c.customerId}`) : `Rack (${c.currency})`);

  return (
    <>
      <PageHeader
        title="Rate cards & carrier fees"
        subtitle="Prices per fragment by kind, direction, number kind and destination. A customer's card in force decides (exact country, then *), then the rack card of its currency. Periods run from their first day up to, not including, their end."
        actions={
          <>
            <Button variant="subtle" size="xs" onClick={reload} disabled={fetching}>
              Refresh
            </Button>
            {write && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="new-card">
                New rate card
              </Button>
            )}
          </>
        }
      />
      <ErrorAlert error={error} title="The rate cards could not be loaded" />
      {fetching && !data && <TableSkeleton rows={6} label="Loading rate cards" />}
      {data && (
        <Stack gap="lg">
          <Paper withBorder radius="md" p="md" component="section" aria-labelledby="cards-title">
            <Title order={3} id="cards-title" mb="sm">
              Rate cards
            </Title>
            <Table verticalSpacing="xs" highlightOnHover data-testid="cards-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>For</Table.Th>
                  <Table.Th>Effective</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th ta="right">Rates</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cards.map((c) => (
                  <Table.Tr
                    key={c.id}
                    data-testid={`card-${c.id}`}
                    bg={c.id === selected?.id ? 'var(--mantine-color-indigo-light)' : undefined}
                    aria-selected={c.id === selected?.id}
                  >
                    <Table.Td>
                      <UnstyledButton
                        onClick={() => setParams({ card: c.id }, { replace: true })}
                        fw={600}
                        fz="sm"
                        c="indigo.9"
                        aria-current={c.id === selected?.id ? 'true' : undefined}
                      >
                        {c.name}
                      </UnstyledButton>
                    </Table.Td>
                    <Table.Td>{owner(c)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="card-period">
                      {periodLabel(c.effectiveFrom, c.effectiveTo)}
                    </Table.Td>
                    <Table.Td>
                      <PeriodBadge from={c.effectiveFrom} to={c.effectiveTo} />
                    </Table.Td>
                    <Table.Td ta="right">{c.rates.length}</Table.Td>
                  </Table.Tr>
                ))}
                {cards.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text c="dimmed" ta="center" py="md">
                        No rate card yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Paper>

          {selected && <CardPanel key={selected.id} card={selected} owner={owner(selected)} write={write} onChanged={reload} />}

          <Paper withBorder radius="md" p="md" component="section" aria-labelledby="fees-title">
            <Group justify="space-between" mb="sm">
              <div>
                <Title order={3} id="fees-title">
                  Carrier fees
                </Title>
                <Text size="xs" c="dimmed">
                  Passed through per fragment (and per filing), effective-dated per carrier, kind and direction.
                </Text>
              </div>
              {write && (
                <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setAddingFee(true)} data-testid="new-fee">
                  Add a fee
                </Button>
              )}
            </Group>
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="xs" data-testid="fees-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Carrier</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Direction</Table.Th>
                    <Table.Th ta="right">Per message</Table.Th>
                    <Table.Th ta="right">Per filing</Table.Th>
                    <Table.Th>Effective</Table.Th>
                    <Table.Th>State</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...data.carrierFees]
                    .sort(
                      (a, b) =>
                        (carriers.get(a.carrierId)?.code ?? '').localeCompare(carriers.get(b.carrierId)?.code ?? '') ||
                        a.messageKind.localeCompare(b.messageKind) ||
                        b.direction.localeCompare(a.direction) ||
                        b.effectiveFrom.localeCompare(a.effectiveFrom),
                    )
                    .map((f) => (
                      <Table.Tr key={f.id} data-testid={`fee-${f.id}`}>
                        <Table.Td>
                          <Tooltip label={carriers.get(f.carrierId)?.name ?? ''} disabled={!carriers.get(f.carrierId)}>
                            <span>{carriers.get(f.carrierId)?.code ?? `#${f.carrierId}`}</span>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td>{f.messageKind}</Table.Td>
                        <Table.Td>{f.direction}</Table.Td>
                        <Table.Td ta="right" ff="monospace">
                          {formatMoney(f.perMessage, f.currency)}
                        </Table.Td>
                        <Table.Td ta="right" ff="monospace">
                          {formatMoney(f.perFiling, f.currency)}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{periodLabel(f.effectiveFrom, f.effectiveTo)}</Table.Td>
                        <Table.Td>
                          <PeriodBadge from={f.effectiveFrom} to={f.effectiveTo} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        </Stack>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New rate card" centered size="lg">
        {creating && (
          <CardForm
            customers={(data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }))}
            onDone={(id) => {
              setCreating(false);
              if (id) setParams({ card: id }, { replace: true });
              reload();
            }}
          />
        )}
      </Modal>
      <Modal opened={addingFee} onClose={() => setAddingFee(false)} title="Add a carrier fee" centered size="lg">
        {addingFee && (
          <FeeForm
            carriers={(data?.carriers ?? []).map((c) => ({ value: c.id, label: `${c.code} · ${c.name}` }))}
            onDone={() => {
              setAddingFee(false);
              reload();
            }}
          />
        )}
      </Modal>
    </>
  );
}

function GeneralErrors({ messages, title }: { messages: string[]; title: string }) {
  if (messages.length === 0) return null;
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle size={18} />} role="alert">
      <List size="sm">
        {messages.map((m) => (
          <List.Item key={m}>{m}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function CardPanel({ card, owner, write, onChanged }: { card: Card; owner: string; write: boolean; onChanged: () => void }) {
  const [kind, setKind] = useState<MessageKind | 'ALL'>('ALL');
  const [editing, setEditing] = useState<Rate | 'new' | null>(null);
  const [editingCard, setEditingCard] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Rate | null>(null);
  const [, deleteRate] = useMutation(DeleteRate);
  const rates = sortRates(card.rates).filter((r) => kind === 'ALL' || r.messageKind === kind);

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="card-title" data-testid="card-panel">
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Group gap="xs">
            <Title order={3} id="card-title">
              {card.name}
            </Title>
            <PeriodBadge from={card.effectiveFrom} to={card.effectiveTo} />
          </Group>
          <Text size="sm" c="dimmed" data-testid="card-summary">
            {owner} · {card.currency} · {periodLabel(card.effectiveFrom, card.effectiveTo)} · UDH {card.udhOctets} octets
            {card.nonGsmInternational ? ' · non-GSM content at the INTL rate' : ''}
          </Text>
        </div>
        <Group gap="xs">
          <CsvExportButton cardId={card.id} name={card.name} />
          {write && (
            <>
              <Button variant="default" size="xs" leftSection={<IconUpload size={14} />} onClick={() => setImporting(true)} data-testid="import-rates">
                Import CSV
              </Button>
              <Button variant="default" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditingCard(true)} data-testid="edit-card">
                Edit card
              </Button>
              <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setEditing('new')} data-testid="add-rate">
                Add a rate
              </Button>
            </>
          )}
        </Group>
      </Group>
      <SegmentedControl
        size="xs"
        mb="sm"
        value={kind}
        onChange={(v) => setKind(v as MessageKind | 'ALL')}
        data={[
          { value: 'ALL', label: 'All' },
          { value: 'SMS', label: 'SMS' },
          { value: 'MMS', label: 'MMS' },
        ]}
        aria-label="Message kind"
      />
      <Table.ScrollContainer minWidth={700}>
        <Table verticalSpacing={4} striped data-testid="rates-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Direction</Table.Th>
              <Table.Th>Number kind</Table.Th>
              <Table.Th>Destination</Table.Th>
              <Table.Th ta="right">Per fragment</Table.Th>
              {write && <Table.Th w={90}>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rates.map((r) => {
              const label = `${r.messageKind} ${r.direction} ${NUMBER_KIND_LABELS[r.numberKind]} ${r.jurisdiction}`;
              return (
                <Table.Tr key={r.id} data-testid={`rate-${r.messageKind}-${r.direction}-${r.numberKind}-${r.jurisdiction}`}>
                  <Table.Td>{r.messageKind}</Table.Td>
                  <Table.Td>{r.direction}</Table.Td>
                  <Table.Td>{NUMBER_KIND_LABELS[r.numberKind]}</Table.Td>
                  <Table.Td ff="monospace">{r.jurisdiction === '*' ? '* (any other)' : r.jurisdiction}</Table.Td>
                  <Table.Td ta="right" ff="monospace" data-testid="rate-price">
                    {formatMoney(r.unitPrice, card.currency)}
                  </Table.Td>
                  {write && (
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <Button variant="subtle" size="compact-xs" px={4} aria-label={`Change the price of ${label}`} onClick={() => setEditing(r)}>
                          <IconPencil size={14} />
                        </Button>
                        <Button variant="subtle" color="red" size="compact-xs" px={4} aria-label={`Remove ${label}`} onClick={() => setDeleting(r)}>
                          <IconTrash size={14} />
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
            {rates.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={write ? 6 : 5}>
                  <Text c="dimmed" ta="center" py="md">
                    No rates on this card{kind === 'ALL' ? '' : ` for ${kind}`}.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? `Add a rate to ${card.name}` : 'Change a price'}
        centered
      >
        {editing !== null && (
          <RateForm
            card={card}
            rate={editing === 'new' ? null : editing}
            onDone={() => {
              setEditing(null);
              onChanged();
            }}
          />
        )}
      </Modal>
      <Modal opened={editingCard} onClose={() => setEditingCard(false)} title={`Edit ${card.name}`} centered size="lg">
        {editingCard && (
          <CardForm
            card={card}
            customers={[]}
            onDone={() => {
              setEditingCard(false);
              onChanged();
            }}
          />
        )}
      </Modal>
      <Modal opened={importing} onClose={() => setImporting(false)} title={`Import rates into ${card.name}`} centered size="lg">
        {importing && (
          <ImportForm
            card={card}
            onDone={() => {
              setImporting(false);
              onChanged();
            }}
          />
        )}
      </Modal>
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Remove this rate?" centered>
        {deleting && (
          <Stack>
            <Text size="sm">
              {deleting.messageKind} {deleting.direction} {NUMBER_KIND_LABELS[deleting.numberKind]} to {deleting.jurisdiction} at{' '}
              {formatMoney(deleting.unitPrice, card.currency)}. Messages it priced keep their charges; new ones fall back to the card's * rate
              or the rack card.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeleting(null)}>
                Back
              </Button>
              <Button
                color="red"
                data-testid="confirm-delete-rate"
                onClick={async () => {
                  const r = await deleteRate({ id: deleting.id });
                  setDeleting(null);
                  if (r.error) {
                    notifications.show({ color: 'red', title: 'Not removed', message: r.error.message });
                    return;
                  }
                  notifications.show({ color: 'teal', icon: <IconCircleCheck size={16} />, title: 'Rate removed', message: card.name });
                  onChanged();
                }}
              >
                Remove
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}

/** Downloads the card's rates as the service writes them (`RateCard.ratesCsv`). */
function CsvExportButton({ cardId, name }: { cardId: string; name: string }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    // Read fresh: the export is what the service holds now, not what the page last loaded.
    const r = await client.query(RatesCsv, { id: cardId }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    if (r.error || !r.data) {
      notifications.show({ color: 'red', title: 'The rates could not be exported', message: r.error?.message ?? '' });
      return;
    }
    saveBlob(new Blob([r.data.rateCard.ratesCsv], { type: 'text/csv' }), ratesFileName(name));
  }
  return (
    <Button variant="default" size="xs" leftSection={<IconDownload size={14} />} loading={busy} onClick={download} data-testid="export-rates">
      Export CSV
    </Button>
  );
}

function RateForm({ card, rate, onDone }: { card: Card; rate: Rate | null; onDone: () => void }) {
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      messageKind: rate?.messageKind ?? ('SMS' as MessageKind),
      direction: rate?.direction ?? ('MT' as Direction),
      numberKind: rate?.numberKind ?? ('LONG_CODE' as NumberKind),
      jurisdiction: rate?.jurisdiction ?? '',
      unitPrice: rate?.unitPrice ?? '',
    },
    validate: { jurisdiction: jurisdictionError, unitPrice: priceError },
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, setRate] = useMutation(SetRate);
  const fixed = rate !== null;

  return (
    <form
      noValidate
      onSubmit={form.onSubmit(async (v) => {
        setGeneral([]);
        const r = await setRate({
          input: { rateCardId: card.id, ...v, jurisdiction: v.jurisdiction.trim().toUpperCase(), unitPrice: v.unitPrice.trim() },
        });
        if (r.error) {
          const split = splitErrors(r.error, ['jurisdiction', 'unitPrice']);
          form.setErrors(split.fields);
          setGeneral(split.general);
          return;
        }
        notifications.show({ color: 'teal', icon: <IconCircleCheck size={16} />, title: 'Rate saved', message: card.name });
        onDone();
      })}
    >
      <Stack>
        <GeneralErrors messages={general} title="Not saved" />
        <SimpleGrid cols={2}>
          <Select label="Kind" data={KINDS} disabled={fixed} allowDeselect={false} {...form.getInputProps('messageKind')} />
          <Select label="Direction" data={DIRECTIONS} disabled={fixed} allowDeselect={false} {...form.getInputProps('direction')} />
          <Select
            label="Number kind"
            data={NUMBER_KINDS.map((k) => ({ value: k, label: NUMBER_KIND_LABELS[k] }))}
            disabled={fixed}
            allowDeselect={false}
            {...form.getInputProps('numberKind')}
          />
          <TextInput
            label="Destination"
            description="Country (US), * for any other, INTL"
            disabled={fixed}
            withAsterisk
            {...form.getInputProps('jurisdiction')}
          />
        </SimpleGrid>
        <TextInput
          label={`Price per fragment (${card.currency})`}
          placeholder="0.0079"
          withAsterisk
          data-autofocus
          data-testid="rate-unit-price"
          {...form.getInputProps('unitPrice')}
        />
        <Text size="xs" c="dimmed">
          Saving replaces the price of the same kind, direction, number kind and destination; messages already rated keep theirs.
        </Text>
        <Group justify="flex-end">
          <Button type="submit" loading={fetching} data-testid="save-rate">
            Save rate
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ImportForm({ card, onDone }: { card: Card; onDone: () => void }) {
  const [csv, setCsv] = useState('');
  const [replace, setReplace] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, importRates] = useMutation(ImportRates);

  return (
    <Stack>
      <Text size="sm">
        A CSV with the header <code>message_kind,direction,number_kind,jurisdiction,unit_price</code> and rows such as{' '}
        <code>sms,mt,long_code,US,0.0079</code>. All or nothing: a bad cell fails the whole file, named by line and column.
      </Text>
      <GeneralErrors messages={general} title="Nothing imported" />
      <Group>
        <FileButton onChange={async (file) => setCsv(file ? await file.text() : '')} accept=".csv,text/csv">
          {(props) => (
            <Button variant="default" size="xs" leftSection={<IconUpload size={14} />} {...props}>
              Choose a file
            </Button>
          )}
        </FileButton>
        <Text size="xs" c="dimmed">
          or paste the rows below
        </Text>
      </Group>
      <Textarea
        label="Rates CSV"
        autosize
        minRows={6}
        maxRows={14}
        ff="monospace"
        value={csv}
        onChange={(e) => setCsv(e.currentTarget.value)}
        data-testid="import-csv"
      />
      <Checkbox
        label="Replace the card's rates (rates not in the file are removed)"
        checked={replace}
        onChange={(e) => setReplace(e.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button
          loading={fetching}
          disabled={!csv.trim()}
          data-testid="confirm-import"
          onClick={async () => {
            setGeneral([]);
            const r = await importRates({ rateCardId: card.id, csv, replace });
            if (r.error) {
              setGeneral(splitErrors(r.error, []).general);
              return;
            }
            notifications.show({
              color: 'teal',
              icon: <IconCircleCheck size={16} />,
              title: `${r.data?.importRates ?? 0} rate(s) imported`,
              message: card.name,
            });
            onDone();
          }}
        >
          Import
        </Button>
      </Group>
    </Stack>
  );
}

function CardForm({ card, customers, onDone }: { card?: Card; customers: { value: string; label: string }[]; onDone: (id?: string) => void }) {
  const form = useForm<CardValues>({
    mode: 'controlled',
    initialValues: {
      name: card?.name ?? '',
      customerId: card?.customerId ?? '',
      currency: card?.currency ?? 'USD',
      from: dayOf(card?.effectiveFrom),
      to: dayOf(card?.effectiveTo),
      nonGsmInternational: card?.nonGsmInternational ?? false,
      udhOctets: String(card?.udhOctets ?? 6),
    },
    validate: (v) => cardErrors(v),
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching: creating }, create] = useMutation(CreateRateCard);
  const [{ fetching: updating }, update] = useMutation(UpdateRateCard);
  const fields = ['name', 'customerId', 'currency', 'effectiveFrom', 'effectiveTo', 'udhOctets', 'nonGsmInternational'];
  const rename = (f: Record<string, string>) => ({ ...f, from: f.effectiveFrom ?? f.from, to: f.effectiveTo ?? f.to });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit(async (v) => {
        setGeneral([]);
        const r = card ? await update({ id: card.id, input: cardUpdateInput(v) }) : await create({ input: newCardInput(v) });
        if (r.error) {
          const split = splitErrors(r.error, fields);
          form.setErrors(rename(split.fields));
          setGeneral(split.general);
          return;
        }
        notifications.show({ color: 'teal', icon: <IconCircleCheck size={16} />, title: card ? 'Card saved' : 'Card created', message: v.name.trim() });
        const created = r.data && 'createRateCard' in r.data ? r.data.createRateCard.id : undefined;
        onDone(created);
      })}
    >
      <Stack>
        <GeneralErrors messages={general} title="Not saved" />
        <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
        {!card && (
          <SimpleGrid cols={2}>
            <Select
              label="Customer"
              description="Empty for a rack card"
              placeholder="Rack card"
              data={customers}
              searchable
              clearable
              value={form.values.customerId || null}
              onChange={(v) => form.setFieldValue('customerId', v ?? '')}
              error={form.errors.customerId}
            />
            <TextInput label="Currency" withAsterisk maxLength={3} {...form.getInputProps('currency')} />
          </SimpleGrid>
        )}
        <SimpleGrid cols={2}>
          <TextInput label="Effective from" type="date" withAsterisk description="The first day (UTC)" {...form.getInputProps('from')} />
          <TextInput label="Effective to" type="date" description="Exclusive; empty runs on" data-testid="card-to" {...form.getInputProps('to')} />
        </SimpleGrid>
        <SimpleGrid cols={2}>
          <Select label="UDH octets" data={['6', '7']} allowDeselect={false} {...form.getInputProps('udhOctets')} />
          <Switch
            mt="lg"
            label="Price non-GSM content at the INTL rate"
            {...form.getInputProps('nonGsmInternational', { type: 'checkbox' })}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          Cards of one customer (and rack cards of one currency) may not overlap in time.
        </Text>
        <Group justify="flex-end">
          <Button type="submit" loading={creating || updating} data-testid="save-card">
            {card ? 'Save card' : 'Create card'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function FeeForm({ carriers, onDone }: { carriers: { value: string; label: string }[]; onDone: () => void }) {
  const form = useForm<FeeValues>({
    mode: 'controlled',
    initialValues: {
      carrierId: '',
      messageKind: 'SMS',
      direction: 'MT',
      currency: 'USD',
      perMessage: '',
      perFiling: '0',
      from: new Date().toISOString().slice(0, 10),
      to: '',
    },
    validate: (v) => feeErrors(v),
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, create] = useMutation(CreateCarrierFee);
  return (
    <form
      noValidate
      onSubmit={form.onSubmit(async (v) => {
        setGeneral([]);
        const r = await create({ input: feeInput(v) });
        if (r.error) {
          const split = splitErrors(r.error, ['carrierId', 'currency', 'perMessage', 'perFiling', 'effectiveFrom', 'effectiveTo']);
          form.setErrors({ ...split.fields, from: split.fields.effectiveFrom, to: split.fields.effectiveTo });
          setGeneral(split.general);
          return;
        }
        notifications.show({ color: 'teal', icon: <IconCircleCheck size={16} />, title: 'Carrier fee added', message: '' });
        onDone();
      })}
    >
      <Stack>
        <GeneralErrors messages={general} title="Not added" />
        <SimpleGrid cols={2}>
          <Select
            label="Carrier"
            withAsterisk
            data={carriers}
            value={form.values.carrierId || null}
            onChange={(v) => form.setFieldValue('carrierId', v ?? '')}
            error={form.errors.carrierId}
            data-autofocus
          />
          <TextInput label="Currency" withAsterisk maxLength={3} {...form.getInputProps('currency')} />
          <Select label="Kind" data={KINDS} allowDeselect={false} {...form.getInputProps('messageKind')} />
          <Select label="Direction" data={DIRECTIONS} allowDeselect={false} {...form.getInputProps('direction')} />
          <TextInput label="Per message (fragment)" withAsterisk placeholder="0.0030" {...form.getInputProps('perMessage')} />
          <TextInput label="Per filing" withAsterisk {...form.getInputProps('perFiling')} />
          <TextInput label="Effective from" type="date" withAsterisk {...form.getInputProps('from')} />
          <TextInput label="Effective to" type="date" description="Exclusive; empty runs on" {...form.getInputProps('to')} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={fetching} data-testid="save-fee">
            Add fee
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
