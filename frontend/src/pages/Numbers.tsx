import {
  Alert,
  Anchor,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  List,
  Modal,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconArrowsLeftRight,
  IconArrowRight,
  IconCheck,
  IconChevronLeft,
  IconChevronRight,
  IconCircleCheck,
  IconCircleDashed,
  IconPlus,
  IconSettings,
  IconShieldCheck,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { NumberKind, NumbersOfCustomerQuery } from '../../generated/gql/graphql';
import { errorMessages, splitErrors, type ErrorLike } from '../api/errors';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { can } from '../lib/access';
import { describeNumberKind, formatDateTime, formatThrottle, NUMBER_KIND_LABELS } from '../lib/format';
import { currentAfter, firstPage, nextPage, pageNumber, previousPage } from '../lib/paging';
import { senderAuthorizationStatus } from '../lib/senders';

const NumberFields = graphql(`
  fragment NumberFields on Number {
    id
    address
    kind
    country
    shortCodeType
    smsEnabled
    mmsEnabled
    messagingEnabled
    twoWay
    attestedAt
    attestedBy
    createdAt
    throttle {
      perSecond
      perDay
      overridden
    }
  }
`);
void NumberFields;

const NumbersOfCustomer = graphql(`
  query NumbersOfCustomer(
    $customerId: ID!
    $kind: NumberKind
    $first: Int!
    $after: String
    $withAuthorizations: Boolean!
  ) {
    customer(id: $customerId) {
      id
      name
    }
    numbers(customerId: $customerId, kind: $kind, first: $first, after: $after) {
      edges {
        node {
          ...NumberFields
          # Admins and compliance only: other roles get FORBIDDEN, so they do not ask.
          authorizations @include(if: $withAuthorizations) {
            id
            reference
            grantedAt
            grantedBy
            recordedAt
            recordedBy
            withdrawnAt
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

const CustomerChoices = graphql(`
  query CustomerChoices {
    customers(first: 100) {
      edges {
        node {
          id
          name
          status
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const SetMessaging = graphql(`
  mutation SetNumberMessaging($id: ID!, $sms: Boolean!, $mms: Boolean!) {
    setNumberMessaging(id: $id, sms: $sms, mms: $mms) {
      ...NumberFields
    }
  }
`);
const SetTwoWay = graphql(`
  mutation SetNumberTwoWay($id: ID!, $twoWay: Boolean!) {
    setNumberTwoWay(id: $id, twoWay: $twoWay) {
      ...NumberFields
    }
  }
`);
const SetThrottle = graphql(`
  mutation SetNumberThrottle($id: ID!, $perSecond: Int, $perDay: Int) {
    setNumberThrottle(id: $id, perSecond: $perSecond, perDay: $perDay) {
      ...NumberFields
    }
  }
`);
const Attest = graphql(`
  mutation AttestNumberOwnership($id: ID!, $attestedBy: String!) {
    attestNumberOwnership(id: $id, attestedBy: $attestedBy) {
      ...NumberFields
    }
  }
`);
const CreateNumber = graphql(`
  mutation CreateNumber($input: NewNumberInput!) {
    createNumber(input: $input) {
      ...NumberFields
    }
  }
`);

type NumberRow = NumbersOfCustomerQuery['numbers']['edges'][number]['node'];

const KIND_FILTERS = [
  { value: 'ALL', label: 'All' },
  ...(['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE', 'ALPHANUMERIC'] as const).map((k) => ({
    value: k,
    label: NUMBER_KIND_LABELS[k],
  })),
];

/** `/numbers`: pick a customer (a customer key goes straight to its own numbers). */
export function NumbersIndex() {
  const session = useSignedIn();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: CustomerChoices, pause: session.role === 'CUSTOMER' });
  if (session.role === 'CUSTOMER' && session.customerId) {
    return <Navigate to={`/customers/${session.customerId}/numbers`} replace />;
  }
  const customers = data?.customers.edges.map((e) => e.node) ?? [];
  return (
    <>
      <PageHeader title="Numbers & senders" subtitle="Numbers and sender IDs are held per customer: choose one." />
      <ErrorAlert error={error} title="Customers could not be loaded" />
      <Paper withBorder radius="md" p="lg" maw={640}>
        <Select
          label="Customer"
          placeholder={fetching ? 'Loading customers…' : 'Search by name'}
          searchable
          data={customers.map((c) => ({ value: c.id, label: c.name }))}
          onChange={(v) => v && navigate(`/customers/${v}/numbers`)}
          nothingFoundMessage="No customer by that name"
          disabled={fetching && !data}
          data-testid="customer-picker"
        />
        {data?.customers.pageInfo.hasNextPage && (
          <Text size="xs" c="dimmed" mt="xs">
            The first 100 customers are listed; open a customer from the customer list for the others.
          </Text>
        )}
        {customers.length > 0 && (
          <Stack gap={4} mt="md">
            {customers.slice(0, 8).map((c) => (
              <Anchor key={c.id} component={Link} to={`/customers/${c.id}/numbers`} size="sm">
                <Group gap={6}>
                  <IconArrowRight size={14} />
                  {c.name}
                </Group>
              </Anchor>
            ))}
          </Stack>
        )}
      </Paper>
    </>
  );
}

function Enabled({ on, label }: { on: boolean; label: string }) {
  return (
    <Badge
      aria-label={`${label} ${on ? 'enabled' : 'disabled'}`}
      variant={on ? 'light' : 'outline'}
      color={on ? 'teal' : 'gray'}
      leftSection={on ? <IconCircleCheck size={12} /> : <IconCircleDashed size={12} />}
    >
      {label}
    </Badge>
  );
}

/** An alphanumeric ID's sender authorization: the one in force, or a warning without one. */
function SenderAuthorization({ number: n }: { number: NumberRow }) {
  const status = senderAuthorizationStatus(n.kind, n.authorizations);
  switch (status.state) {
    case 'NOT_APPLICABLE':
      return (
        <Text size="sm" c="dimmed">
          —
        </Text>
      );
    case 'HIDDEN':
      return null;
    case 'AUTHORIZED': {
      const a = status.authorization;
      return (
        <Tooltip
          multiline
          w={280}
          label={
            <>
              Granted by {a.grantedBy} on {formatDateTime(a.grantedAt)}; recorded by {a.recordedBy} on{' '}
              {formatDateTime(a.recordedAt)}
              {status.othersInForce > 0 && ` (${status.othersInForce} more in force)`}
            </>
          }
        >
          <div data-testid="sender-authorization">
            <Badge color={status.color} variant="light" leftSection={<IconShieldCheck size={12} />}>
              {status.label}
            </Badge>
            <Text size="xs" c="dimmed" mt={2}>
              {status.detail}
            </Text>
          </div>
        </Tooltip>
      );
    }
    case 'MISSING':
      return (
        <div data-testid="sender-authorization">
          <Badge color={status.color} variant="light" leftSection={<IconAlertTriangle size={12} />}>
            {status.label}
          </Badge>
          {status.detail && (
            <Text size="xs" c="dimmed" mt={2}>
              {status.detail}
            </Text>
          )}
        </div>
      );
  }
}

/** `/customers/:id/numbers` */
export function CustomerNumbers() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const [kind, setKind] = useState<string>('ALL');
  const [page, setPage] = useState(firstPage);
  const [managing, setManaging] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const pageSize = 25;
  const withAuthorizations = can(session.role, 'number.authorizations.read');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: NumbersOfCustomer,
    variables: {
      customerId: id,
      kind: kind === 'ALL' ? null : (kind as NumberKind),
      first: pageSize,
      after: currentAfter(page),
      withAuthorizations,
    },
  });
  const columns = withAuthorizations ? 8 : 7;
  const rows = data?.numbers.edges.map((e) => e.node) ?? [];
  const selected = rows.find((n) => n.id === managing) ?? null;
  const customerName = data?.customer.name;
  const isCustomer = session.role === 'CUSTOMER';

  return (
    <>
      <PageHeader
        title={customerName ? `Numbers & senders — ${customerName}` : 'Numbers & senders'}
        subtitle="A number sends only when SMS or MMS is enabled, which needs the owner's attestation."
        crumbs={
          isCustomer
            ? [{ label: customerName ?? '…', to: `/customers/${id}` }, { label: 'Numbers & senders' }]
            : [
                { label: 'Customers', to: '/customers' },
                { label: customerName ?? '…', to: `/customers/${id}` },
                { label: 'Numbers & senders' },
              ]
        }
        actions={
          can(session.role, 'number.create') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setRegistering(true)}>
              Register number
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="md">
          <SegmentedControl
            data={KIND_FILTERS}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(firstPage);
            }}
            aria-label="Kind"
          />
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} loading={fetching}>
            Refresh
          </Button>
        </Group>
        <ErrorAlert error={error} title="Numbers could not be loaded" />
        {fetching && !data ? (
          <TableSkeleton label="Loading numbers" />
        ) : (
          <Table.ScrollContainer minWidth={withAuthorizations ? 1040 : 900}>
            <Table verticalSpacing="sm" highlightOnHover data-testid="numbers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Number / sender</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Messaging</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Throttle</Table.Th>
                  <Table.Th>Owner attestation</Table.Th>
                  {withAuthorizations && <Table.Th>Sender authorization</Table.Th>}
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((n) => (
                  <Table.Tr key={n.id} data-testid={`number-${n.address}`}>
                    <Table.Td>
                      <Text ff="monospace" fw={600}>
                        {n.address}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {n.country ?? 'any allowed country'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{describeNumberKind(n.kind, n.shortCodeType)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Enabled on={n.smsEnabled} label="SMS" />
                        <Enabled on={n.mmsEnabled} label="MMS" />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={n.twoWay ? 'indigo' : 'gray'} miw="max-content">
                        {n.twoWay ? '2-way' : '1-way'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatThrottle(n.throttle)}</Text>
                      <Text size="xs" c="dimmed">
                        {n.throttle.overridden ? 'set for this number' : 'kind default'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {n.attestedAt ? (
                        <Tooltip label={`Attested ${formatDateTime(n.attestedAt)}`}>
                          <Text size="sm">{n.attestedBy}</Text>
                        </Tooltip>
                      ) : (
                        <Badge color="orange" variant="light">
                          Not attested
                        </Badge>
                      )}
                    </Table.Td>
                    {withAuthorizations && (
                      <Table.Td>
                        <SenderAuthorization number={n} />
                      </Table.Td>
                    )}
                    <Table.Td ta="right">
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconSettings size={14} />}
                        onClick={() => setManaging(n.id)}
                      >
                        {can(session.role, 'number.configure') || can(session.role, 'number.attest') ? 'Manage' : 'Details'}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={columns}>
                      <Text c="dimmed" ta="center" py="lg">
                        No {kind === 'ALL' ? 'numbers or senders' : NUMBER_KIND_LABELS[kind as NumberKind].toLowerCase() + 's'}{' '}
                        yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {(pageNumber(page) > 1 || data?.numbers.pageInfo.hasNextPage) && (
          <Group justify="flex-end" gap="xs" mt="md">
            <Text size="sm" c="dimmed">
              Page {pageNumber(page)}
            </Text>
            <Button size="xs" variant="default" leftSection={<IconChevronLeft size={14} />} disabled={pageNumber(page) === 1} onClick={() => setPage(previousPage(page))}>
              Previous
            </Button>
            <Button
              size="xs"
              variant="default"
              rightSection={<IconChevronRight size={14} />}
              disabled={!data?.numbers.pageInfo.hasNextPage}
              onClick={() => setPage(nextPage(page, data?.numbers.pageInfo.endCursor))}
            >
              Next
            </Button>
          </Group>
        )}
      </Paper>
      <Drawer
        opened={selected !== null}
        onClose={() => setManaging(null)}
        position="right"
        size="md"
        title={selected ? <Text fw={700} ff="monospace">{selected.address}</Text> : null}
      >
        {selected && <ManageNumber number={selected} />}
      </Drawer>
      <Modal opened={registering} onClose={() => setRegistering(false)} title="Register a number or sender" size="lg">
        <RegisterNumber
          customerId={id}
          onDone={() => {
            setRegistering(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      </Modal>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={5}>{title}</Title>
      {children}
    </Stack>
  );
}

function notifyResult(error: ErrorLike | undefined, success: string): boolean {
  if (error) {
    notifications.show({ color: 'red', title: 'Not changed', message: errorMessages(error).join(' ') });
    return false;
  }
  notifications.show({ color: 'teal', icon: <IconCheck size={16} />, title: 'Saved', message: success });
  return true;
}

function ManageNumber({ number: n }: { number: NumberRow }) {
  const session = useSignedIn();
  const configure = can(session.role, 'number.configure');
  const attest = can(session.role, 'number.attest');
  const alphanumeric = n.kind === 'ALPHANUMERIC';
  const [messaging, setMessaging] = useMutation(SetMessaging);
  const [twoWay, setTwoWay] = useMutation(SetTwoWay);
  const [throttle, setThrottle] = useMutation(SetThrottle);
  const [attesting, doAttest] = useMutation(Attest);
  const [messagingError, setMessagingError] = useState<ErrorLike | undefined>();

  const throttleForm = useForm<{ perSecondLimit: number | string; perDayLimit: number | string }>({
    initialValues: {
      perSecondLimit: n.throttle.overridden ? n.throttle.perSecond : '',
      perDayLimit: n.throttle.overridden ? (n.throttle.perDay ?? '') : '',
    },
  });
  const attestForm = useForm({ initialValues: { attestedBy: '' } });

  async function toggle(sms: boolean, mms: boolean) {
    const r = await setMessaging({ id: n.id, sms, mms });
    setMessagingError(r.error);
    if (!r.error) notifyResult(undefined, `SMS ${sms ? 'on' : 'off'}, MMS ${mms ? 'on' : 'off'}`);
  }

  return (
    <Stack gap="lg">
      <SimpleGrid cols={2} spacing="sm">
        <div>
          <Text size="xs" c="dimmed">Kind</Text>
          <Text size="sm">{describeNumberKind(n.kind, n.shortCodeType)}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">Country</Text>
          <Text size="sm">{n.country ?? '—'}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">Registered</Text>
          <Text size="sm">{formatDateTime(n.createdAt)}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">Attested</Text>
          <Text size="sm">{n.attestedAt ? `${n.attestedBy}, ${formatDateTime(n.attestedAt)}` : 'not yet'}</Text>
        </div>
      </SimpleGrid>

      <Divider />
      <Section title="Messaging">
        {!n.attestedAt && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={16} />}>
            Record the owner's attestation before enabling SMS or MMS.
          </Alert>
        )}
        <Switch
          label="SMS"
          checked={n.smsEnabled}
          disabled={!configure || messaging.fetching}
          onChange={(e) => toggle(e.currentTarget.checked, n.mmsEnabled)}
        />
        <Switch
          label="MMS"
          description={alphanumeric ? 'Alphanumeric sender IDs send SMS only' : undefined}
          checked={n.mmsEnabled}
          disabled={!configure || messaging.fetching || alphanumeric}
          onChange={(e) => toggle(n.smsEnabled, e.currentTarget.checked)}
        />
        {messagingError && <ErrorAlert error={messagingError} title="Not changed" />}
      </Section>

      <Divider />
      <Section title="Direction">
        <SegmentedControl
          data={[
            { value: 'one', label: '1-way (no MO)' },
            { value: 'two', label: '2-way' },
          ]}
          value={n.twoWay ? 'two' : 'one'}
          disabled={!configure || alphanumeric || twoWay.fetching}
          onChange={async (v) => {
            const r = await setTwoWay({ id: n.id, twoWay: v === 'two' });
            notifyResult(r.error, v === 'two' ? 'Now 2-way' : 'Now 1-way');
          }}
        />
        {alphanumeric && (
          <Text size="xs" c="dimmed">
            <IconArrowsLeftRight size={12} /> Alphanumeric sender IDs are always 1-way.
          </Text>
        )}
      </Section>

      <Divider />
      <Section title="Throttle">
        <Text size="sm">
          In force: <b>{formatThrottle(n.throttle)}</b> ({n.throttle.overridden ? 'set for this number' : "the kind's default"})
        </Text>
        {configure && (
          <form
            onSubmit={throttleForm.onSubmit(async (v) => {
              const perSecond = v.perSecondLimit === '' ? null : Number(v.perSecondLimit);
              const perDay = v.perDayLimit === '' ? null : Number(v.perDayLimit);
              const r = await setThrottle({ id: n.id, perSecond, perDay });
              if (r.error) {
                const split = splitErrors(r.error, ['perSecondLimit', 'perDayLimit']);
                throttleForm.setErrors(split.fields);
                if (split.general.length) notifyResult(r.error, '');
              } else {
                throttleForm.clearErrors();
                notifyResult(undefined, 'Throttle updated');
              }
            })}
          >
            <Stack gap="xs">
              <Group grow align="flex-start">
                <NumberInput label="Per second" placeholder="kind default" clampBehavior="none" allowNegative={false} allowDecimal={false} {...throttleForm.getInputProps('perSecondLimit')} />
                <NumberInput label="Per day" placeholder="no cap" clampBehavior="none" allowNegative={false} allowDecimal={false} {...throttleForm.getInputProps('perDayLimit')} />
              </Group>
              <Group justify="flex-end">
                <Button type="submit" size="xs" loading={throttle.fetching}>
                  Save throttle
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Section>

      {attest && (
        <>
          <Divider />
          <Section title="Owner attestation">
            <form
              onSubmit={attestForm.onSubmit(async (v) => {
                const r = await doAttest({ id: n.id, attestedBy: v.attestedBy });
                if (r.error) {
                  const split = splitErrors(r.error, ['attestedBy']);
                  attestForm.setErrors(split.fields);
                  if (split.general.length) notifyResult(r.error, '');
                } else {
                  attestForm.reset();
                  notifyResult(undefined, 'Attestation recorded');
                }
              })}
            >
              <Group align="flex-end">
                <TextInput
                  style={{ flex: 1 }}
                  label="Attested by"
                  description="Who confirmed the customer owns this number"
                  placeholder="Jane Doe, CTO of the customer"
                  {...attestForm.getInputProps('attestedBy')}
                />
                <Button type="submit" variant="light" loading={attesting.fetching}>
                  {n.attestedAt ? 'Re-attest' : 'Record'}
                </Button>
              </Group>
            </form>
          </Section>
        </>
      )}
    </Stack>
  );
}

interface RegisterValues {
  kind: NumberKind;
  address: string;
  shortCodeType: string;
  twoWay: boolean;
}

function RegisterNumber({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const [state, create] = useMutation(CreateNumber);
  const [general, setGeneral] = useState<string[]>([]);
  const form = useForm<RegisterValues>({
    initialValues: { kind: 'LONG_CODE', address: '', shortCodeType: '', twoWay: false },
  });
  const kind = form.getValues().kind;
  return (
    <form
      onSubmit={form.onSubmit(async (v) => {
        setGeneral([]);
        const r = await create({
          input: {
            customerId,
            kind: v.kind,
            address: v.address,
            twoWay: v.twoWay,
            shortCodeType: v.kind === 'SHORT_CODE' && v.shortCodeType ? (v.shortCodeType as 'RANDOM' | 'VANITY') : null,
          },
        });
        if (r.error) {
          const split = splitErrors(r.error, ['kind', 'address', 'shortCodeType', 'twoWay']);
          form.setErrors(split.fields);
          setGeneral(split.general);
          return;
        }
        notifications.show({
          color: 'teal',
          icon: <IconCheck size={16} />,
          title: 'Registered',
          message: `${r.data?.createNumber.address} starts disabled: attest it, then enable SMS or MMS.`,
        });
        onDone();
      })}
      noValidate
    >
      <Stack>
        {general.length > 0 && (
          <Alert color="red" variant="light" title="Not registered" role="alert">
            <List size="sm">
              {general.map((m) => (
                <List.Item key={m}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Select
          label="Kind"
          allowDeselect={false}
          data={KIND_FILTERS.slice(1)}
          {...form.getInputProps('kind')}
        />
        <TextInput
          label={kind === 'ALPHANUMERIC' ? 'Sender ID' : 'Number'}
          description={
            {
              LONG_CODE: 'A 10-digit US or Canadian number, any common form',
              TOLL_FREE: '+1 800, 833, 844, 855, 866, 877 or 888',
              SHORT_CODE: '5 or 6 digits',
              ALPHANUMERIC: '1 to 11 letters and digits, at least one letter',
            }[kind]
          }
          withAsterisk
          {...form.getInputProps('address')}
        />
        {kind === 'SHORT_CODE' && (
          <Select
            label="Short code type"
            data={[
              { value: 'RANDOM', label: 'Random' },
              { value: 'VANITY', label: 'Vanity' },
            ]}
            {...form.getInputProps('shortCodeType')}
          />
        )}
        {kind !== 'ALPHANUMERIC' && (
          <Switch label="2-way (receives MO messages)" {...form.getInputProps('twoWay', { type: 'checkbox' })} />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={state.fetching}>
            Register
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
