import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Loader,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInfoCircle, IconReplace } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { NumberKind } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { PageHeader } from '../components/common';
import { formatMoney, NUMBER_KIND_LABELS } from '../lib/format';
import {
  applyReplacements,
  characterCount,
  codePoints,
  ENCODING_LABELS,
  fragmentCapacity,
  markCharacters,
  replaceableCount,
  UNIT_NAMES,
} from '../lib/preview';

const PreviewQuery = graphql(`
  query MessagePreview(
    $text: String!
    $udhOctets: Int!
    $customerId: ID
    $destination: String
    $numberKind: NumberKind!
  ) {
    messagePreview(
      text: $text
      udhOctets: $udhOctets
      customerId: $customerId
      destination: $destination
      numberKind: $numberKind
    ) {
      encoding
      fragmentCount
      fragments {
        text
        units
      }
      nonGsmCharacters {
        character
        replacement
      }
      price
      currency
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

const PreviewCustomers = graphql(`
  query PreviewCustomers {
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

const SAMPLE = 'Your Demo Co code is 481516. It expires in 10 minutes. Reply STOP to opt out.';

export function Preview() {
  const session = useSignedIn();
  const [params] = useSearchParams();
  const isCustomer = session.role === 'CUSTOMER';
  const [text, setText] = useState(SAMPLE);
  const [customerId, setCustomerId] = useState<string | null>(
    isCustomer ? session.customerId : params.get('customer'),
  );
  const [destination, setDestination] = useState('+12065550123');
  const [numberKind, setNumberKind] = useState<NumberKind>('LONG_CODE');
  const [udh, setUdh] = useState('6');
  const [debouncedText] = useDebouncedValue(text, 200);

  const [customers] = useQuery({ query: PreviewCustomers, pause: isCustomer });
  const customerOptions = (customers.data?.customers.edges ?? []).map((e) => ({ value: e.node.id, label: e.node.name }));

  const priced = Boolean(customerId && destination.trim());
  const [{ data, fetching, error }] = useQuery({
    query: PreviewQuery,
    variables: {
      text: debouncedText,
      udhOctets: Number(udh),
      customerId: priced ? customerId : null,
      destination: priced ? destination.trim() : null,
      numberKind,
    },
    pause: debouncedText.length === 0,
  });
  const preview = text.length > 0 ? data?.messagePreview : undefined;
  const stale = fetching || text !== debouncedText;
  const errors = splitErrors(error, ['text', 'destination', 'customerId', 'udhOctets', 'numberKind']);
  const flagged = useMemo(() => preview?.nonGsmCharacters.map((c) => c.character) ?? [], [preview]);
  const capacity = preview ? fragmentCapacity(preview.encoding, preview.fragmentCount, Number(udh)) : 0;

  return (
    <>
      <PageHeader
        title="Message preview"
        subtitle="How a text is encoded and split into billable fragments, and what an MT SMS would cost now."
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Paper withBorder radius="md" p="lg">
          <Stack>
            <Textarea
              label="Message text"
              description={`${characterCount(text)} characters, ${text.length} UTF-16 units`}
              autosize
              minRows={5}
              maxRows={14}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              error={errors.fields.text}
              data-testid="preview-text"
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {isCustomer ? (
                <TextInput label="Customer" value={session.customerName ?? 'Your account'} readOnly />
              ) : (
                <Select
                  label="Customer"
                  description="Prices with the customer's rate card"
                  placeholder={customers.fetching ? 'Loading…' : 'Choose to see a price'}
                  data={customerOptions}
                  value={customerId}
                  onChange={setCustomerId}
                  searchable
                  clearable
                  error={errors.fields.customerId}
                  data-testid="preview-customer"
                />
              )}
              <TextInput
                label="Destination"
                description="E.164, decides the jurisdiction and carrier"
                value={destination}
                onChange={(e) => setDestination(e.currentTarget.value)}
                error={errors.fields.destination}
                data-testid="preview-destination"
              />
              <Select
                label="Sent from"
                data={(Object.keys(NUMBER_KIND_LABELS) as NumberKind[]).map((k) => ({ value: k, label: NUMBER_KIND_LABELS[k] }))}
                value={numberKind}
                onChange={(v) => v && setNumberKind(v as NumberKind)}
                allowDeselect={false}
                error={errors.fields.numberKind}
              />
              <Box>
                <Text size="sm" fw={500}>
                  Concatenation header
                </Text>
                <Text size="xs" c="dimmed" mb={4}>
                  Reserved per fragment of a long message (7 with a 16-bit reference)
                </Text>
                <SegmentedControl
                  fullWidth
                  data={[
                    { value: '6', label: '6 octets' },
                    { value: '7', label: '7 octets' },
                  ]}
                  value={udh}
                  onChange={setUdh}
                />
              </Box>
            </SimpleGrid>
            {errors.general.length > 0 && (
              <Alert color="red" variant="light" role="alert" title="Preview failed">
                {errors.general.join(' ')}
              </Alert>
            )}
          </Stack>
        </Paper>

        <Stack gap="lg">
          <SimpleGrid cols={3} spacing="sm">
            <Card withBorder radius="md" p="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Encoding
              </Text>
              <Group gap="xs" mt={6}>
                {preview ? (
                  <Badge size="xl" radius="sm" color={preview.encoding === 'GSM7' ? 'teal' : 'orange'} data-testid="preview-encoding">
                    {preview.encoding}
                  </Badge>
                ) : (
                  <Text c="dimmed">—</Text>
                )}
                {stale && <Loader size="xs" data-testid="preview-loading" />}
              </Group>
              {preview && (
                <Text size="xs" c="dimmed" mt={4}>
                  {ENCODING_LABELS[preview.encoding]}, {fragmentCapacity(preview.encoding, 1, Number(udh))} per single message
                </Text>
              )}
            </Card>
            <Card withBorder radius="md" p="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Fragments
              </Text>
              <Text size="xl" fw={700} mt={2} data-testid="preview-fragment-count">
                {preview ? preview.fragmentCount : '—'}
              </Text>
              <Text size="xs" c="dimmed">
                each one billable message
              </Text>
            </Card>
            <Card withBorder radius="md" p="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Price
              </Text>
              <Text size="xl" fw={700} mt={2} data-testid="preview-price">
                {preview?.price ? formatMoney(preview.price) : '—'}
              </Text>
              <Text size="xs" c="dimmed">
                {preview?.price ? `${preview.currency ?? ''}, MT SMS now` : 'choose a customer and destination'}
              </Text>
            </Card>
          </SimpleGrid>

          <Paper withBorder radius="md" p="lg">
            <Title order={5} mb="sm">
              Fragments
            </Title>
            {!preview && text.length > 0 && <Text c="dimmed">Calculating…</Text>}
            {text.length === 0 && <Text c="dimmed">Type a message to see its fragments.</Text>}
            <Stack gap="sm" data-testid="preview-fragments">
              {preview?.fragments.map((f, i) => (
                <Box key={i} data-testid="preview-fragment">
                  <Group justify="space-between" mb={4}>
                    <Text size="sm" fw={600}>
                      Fragment {i + 1} of {preview.fragmentCount}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {f.units} / {capacity} {UNIT_NAMES[preview.encoding]}
                    </Text>
                  </Group>
                  <Progress
                aria-label={`Fragment ${i + 1}: ${f.units} of ${capacity} units`}
                value={Math.min(100, (f.units / capacity) * 100)} size="sm" color={f.units >= capacity ? 'orange' : 'indigo'} mb={6} />
                  <Box
                    p="sm"
                    bg="gray.0"
                    style={{
                      borderRadius: 'var(--mantine-radius-sm)',
                      border: '1px solid var(--mantine-color-gray-3)',
                      whiteSpace: 'pre-wrap',
                      wordBreak: 'break-word',
                      fontFamily: 'var(--mantine-font-family-monospace)',
                      fontSize: 'var(--mantine-font-size-sm)',
                    }}
                  >
                    {markCharacters(f.text, flagged).map((s, j) =>
                      s.flagged ? (
                        <Tooltip key={j} label={`${codePoints(s.text)} forces UCS-2`}>
                          <mark style={{ background: 'var(--mantine-color-orange-2)', borderRadius: 3, padding: '0 1px' }}>
                            {s.visible ?? s.text}
                          </mark>
                        </Tooltip>
                      ) : s.visible ? (
                        <span key={j} style={{ color: 'var(--mantine-color-gray-5)' }}>
                          {s.visible}
                          {s.text === '\n' ? '\n' : ''}
                        </span>
                      ) : (
                        <span key={j}>{s.text}</span>
                      ),
                    )}
                  </Box>
                </Box>
              ))}
            </Stack>
          </Paper>

          {preview && preview.nonGsmCharacters.length > 0 && (
            <Paper withBorder radius="md" p="lg" data-testid="preview-non-gsm">
              <Group justify="space-between" mb="sm">
                <div>
                  <Title order={5}>Characters forcing UCS-2</Title>
                  <Text size="xs" c="dimmed">
                    Replacing them keeps the message in GSM-7 (160 characters a fragment instead of 70).
                  </Text>
                </div>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconReplace size={14} />}
                  disabled={replaceableCount(preview.nonGsmCharacters) === 0}
                  onClick={() => setText(applyReplacements(text, preview.nonGsmCharacters))}
                >
                  Apply {replaceableCount(preview.nonGsmCharacters)} suggestion(s)
                </Button>
              </Group>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Character</Table.Th>
                    <Table.Th>Code point</Table.Th>
                    <Table.Th>Suggested GSM replacement</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.nonGsmCharacters.map((c) => (
                    <Table.Tr key={c.character}>
                      <Table.Td fz="lg">{c.character}</Table.Td>
                      <Table.Td ff="monospace" fz="xs">
                        {codePoints(c.character)}
                      </Table.Td>
                      <Table.Td>
                        {c.replacement === null || c.replacement === undefined ? (
                          <Text size="sm" c="dimmed">
                            none common
                          </Text>
                        ) : c.replacement === '' ? (
                          <Text size="sm">drop it</Text>
                        ) : (
                          <Text ff="monospace">{c.replacement}</Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}

          {preview?.price && (
            <Paper withBorder radius="md" p="lg" data-testid="preview-charges">
              <Title order={5} mb="sm">
                Price lines
              </Title>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    <Table.Th ta="right">Fragments</Table.Th>
                    <Table.Th ta="right">Unit price</Table.Th>
                    <Table.Th ta="right">Amount</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.charges.map((c, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>
                        {c.kind === 'USAGE' ? 'Usage (rate card)' : 'Carrier fee (pass-through)'}
                        {c.international && (
                          <Tooltip label="The card prices non-GSM content at its international rate">
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
                  <Table.Tr>
                    <Table.Td colSpan={3} fw={700}>
                      Total
                    </Table.Td>
                    <Table.Td ta="right" ff="monospace" fw={700}>
                      {formatMoney(preview.price, preview.currency)}
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </Stack>
      </SimpleGrid>
    </>
  );
}
