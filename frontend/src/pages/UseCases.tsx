import {
  Alert,
  Anchor,
  Badge,
  Button,
  Divider,
  Group,
  List,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconBan, IconCheck, IconCircleCheck, IconInbox, IconX } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { MmsUseCasesQuery } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { formatCount } from '../lib/analytics';
import { formatDateTime, titleCase } from '../lib/format';
import {
  DECISION_LABELS,
  decisionReasonError,
  decisionsFor,
  historyOf,
  mediaVerdict,
  oldestFirst,
  USE_CASE_STATUS_COLORS,
  type Decision,
} from '../lib/mms';

const UseCaseFields = graphql(`
  fragment UseCaseFields on MmsUseCase {
    id
    customerId
    status
    description
    sampleContent
    numberIds
    mediaTypes
    expectedMonthlyVolume
    attExempt
    attEvidence
    submittedAt
    submittedBy
    decidedAt
    decidedBy
    decisionReason
  }
`);

const MmsUseCasesQueryDoc = graphql(`
  query MmsUseCases {
    mmsUseCaseQueue {
      ...UseCaseFields
    }
    mmsUseCases {
      ...UseCaseFields
    }
    mmsPolicy {
      allowedMedia
      refusedMedia
    }
    customers(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
    numbers(first: 100) {
      edges {
        node {
          id
          address
        }
      }
    }
  }
`);

const DecideMmsUseCase = graphql(`
  mutation DecideMmsUseCase($id: ID!, $status: UseCaseStatus!, $reason: String) {
    decideMmsUseCase(id: $id, status: $status, reason: $reason) {
      ...UseCaseFields
    }
  }
`);

// The fragment is only spread: referencing it keeps codegen's document in the bundle.
void UseCaseFields;

type UseCase = MmsUseCasesQuery['mmsUseCases'][number];
type Policy = MmsUseCasesQuery['mmsPolicy'];

interface Lookups {
  customers: Map<string, string>;
  numbers: Map<string, string>;
  policy: Policy | undefined;
}

const DECISION_COLORS: Record<Decision, string> = { APPROVED: 'teal', REJECTED: 'red', REVOKED: 'orange' };
const DECISION_ICONS: Record<Decision, typeof IconCheck> = { APPROVED: IconCheck, REJECTED: IconX, REVOKED: IconBan };

/** `/use-cases` (admin, compliance): the MMS use-case queue, oldest first, each beside its customer's history. */
export function UseCases() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MmsUseCasesQueryDoc });
  const [deciding, setDeciding] = useState<{ useCase: UseCase; decision: Decision } | null>(null);
  const lookups: Lookups = useMemo(
    () => ({
      customers: new Map((data?.customers.edges ?? []).map((e) => [e.node.id, e.node.name])),
      numbers: new Map((data?.numbers.edges ?? []).map((e) => [e.node.id, e.node.address])),
      policy: data?.mmsPolicy,
    }),
    [data],
  );
  const queue = useMemo(() => oldestFirst(data?.mmsUseCaseQueue ?? []), [data]);
  const all = data?.mmsUseCases ?? [];
  const decide = (useCase: UseCase, decision: Decision) => setDeciding({ useCase, decision });

  return (
    <>
      <PageHeader
        title="MMS use cases"
        subtitle="Submissions waiting for a decision, oldest first, each beside the customer's other use cases. An MMS is admitted only under an approved use case whose media types cover every part."
        actions={
          <Button variant="subtle" size="xs" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </Button>
        }
      />
      <ErrorAlert error={error} title="The use cases could not be loaded" />
      {fetching && !data && <TableSkeleton rows={6} label="Loading use cases" />}
      {data && (
        <Stack gap="lg">
          <Group gap="xs" data-testid="mms-policy">
            <Text size="sm" c="dimmed">
              Policy:
            </Text>
            {data.mmsPolicy.allowedMedia.map((t) => (
              <Badge key={t} variant="light" color="teal" size="sm" tt="none">
                {t}
              </Badge>
            ))}
            {data.mmsPolicy.refusedMedia.map((t) => (
              <Badge key={t} variant="light" color="red" size="sm" tt="none">
                {t} refused
              </Badge>
            ))}
          </Group>
          <Group gap="xs">
            <Title order={3}>Queue</Title>
            <Badge size="lg" variant="light" circle={queue.length < 10} data-testid="queue-count">
              {queue.length}
            </Badge>
          </Group>
          {queue.length === 0 && (
            <Paper withBorder radius="md" p="xl" data-testid="queue-empty">
              <Group justify="center" gap="xs">
                <IconInbox size={20} color="var(--mantine-color-gray-6)" />
                <Text c="dimmed">Nothing waiting for a decision.</Text>
              </Group>
            </Paper>
          )}
          {queue.map((u) => (
            <Paper key={u.id} withBorder radius="md" p="lg" data-testid={`queue-item-${u.id}`}>
              <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
                <Stack gap="sm">
                  <UseCaseDetails useCase={u} lookups={lookups} />
                  <Group gap="sm">
                    {decisionsFor(u.status).map((d) => (
                      <DecisionButton key={d} decision={d} onClick={() => decide(u, d)} />
                    ))}
                  </Group>
                </Stack>
                <History useCase={u} all={all} lookups={lookups} onDecide={decide} />
              </SimpleGrid>
            </Paper>
          ))}
        </Stack>
      )}
      <DecisionModal
        target={deciding}
        lookups={lookups}
        onClose={() => setDeciding(null)}
        onDecided={() => {
          setDeciding(null);
          refetch({ requestPolicy: 'network-only' });
        }}
      />
    </>
  );
}

function DecisionButton({ decision, onClick, size = 'sm' }: { decision: Decision; onClick: () => void; size?: string }) {
  const Icon = DECISION_ICONS[decision];
  return (
    <Button
      size={size}
      color={DECISION_COLORS[decision]}
      variant={decision === 'APPROVED' ? 'filled' : 'light'}
      leftSection={<Icon size={16} />}
      onClick={onClick}
    >
      {DECISION_LABELS[decision]}
    </Button>
  );
}

function StatusBadge({ status }: { status: UseCase['status'] }) {
  return (
    <Badge color={USE_CASE_STATUS_COLORS[status]} variant="light" data-testid="use-case-status">
      {titleCase(status)}
    </Badge>
  );
}

function MediaTypes({ types, policy }: { types: readonly string[]; policy: Policy | undefined }) {
  return (
    <Group gap={6} data-testid="use-case-media">
      {types.map((t) => {
        const verdict = policy ? mediaVerdict(t, policy) : 'allowed';
        const badge = (
          <Badge
            key={t}
            variant={verdict === 'allowed' ? 'outline' : 'light'}
            color={verdict === 'refused' ? 'red' : verdict === 'outside' ? 'orange' : 'gray'}
            size="sm"
            tt="none"
          >
            {t}
          </Badge>
        );
        return verdict === 'allowed' ? (
          badge
        ) : (
          <Tooltip key={t} label={verdict === 'refused' ? 'The MMS policy refuses this type' : 'Not among the policy’s allowed types'}>
            {badge}
          </Tooltip>
        );
      })}
    </Group>
  );
}

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" mt={2} component="div">
        {children}
      </Text>
    </div>
  );
}

function AttExemption({ useCase: u }: { useCase: UseCase }) {
  if (!u.attExempt) {
    return (
      <Text size="sm" data-testid="use-case-att">
        Not exempt: its AT&T traffic counts towards the 3:1 ratio.
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="use-case-att">
      <Group gap={6}>
        <Badge color="indigo" variant="light">
          AT&T exempt
        </Badge>
        {!u.attEvidence && (
          <Badge color="orange" variant="light" leftSection={<IconAlertTriangle size={12} />}>
            no evidence given
          </Badge>
        )}
      </Group>
      {u.attEvidence && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="use-case-att-evidence">
          Evidence: {u.attEvidence}
        </Text>
      )}
    </Stack>
  );
}

function UseCaseDetails({ useCase: u, lookups }: { useCase: UseCase; lookups: Lookups }) {
  const customer = lookups.customers.get(u.customerId) ?? `customer #${u.customerId}`;
  return (
    <Stack gap="sm" data-testid="use-case-submission">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={4}>Use case #{u.id}</Title>
            <StatusBadge status={u.status} />
          </Group>
          <Text size="sm" c="dimmed">
            <Anchor component={Link} to={`/customers/${u.customerId}`} size="sm" underline="always">
              {customer}
            </Anchor>{' '}
            · submitted {formatDateTime(u.submittedAt)} by {u.submittedBy}
          </Text>
        </div>
      </Group>
      <Text size="sm" data-testid="use-case-description">
        {u.description}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Labelled label="Numbers">
          <Group gap={6} data-testid="use-case-numbers">
            {u.numberIds.map((id) => (
              <Text key={id} ff="monospace" size="sm">
                {lookups.numbers.get(id) ?? `#${id}`}
              </Text>
            ))}
          </Group>
        </Labelled>
        <Labelled label="Expected volume">{formatCount(u.expectedMonthlyVolume)} MMS a month</Labelled>
        <Labelled label="Media types">
          <MediaTypes types={u.mediaTypes} policy={lookups.policy} />
        </Labelled>
        <Labelled label="AT&T ratio">
          <AttExemption useCase={u} />
        </Labelled>
      </SimpleGrid>
      <Labelled label="Sample content">
        <Text
          size="sm"
          p="xs"
          bg="gray.0"
          style={{ borderRadius: 'var(--mantine-radius-sm)', border: '1px solid var(--mantine-color-gray-3)', whiteSpace: 'pre-wrap' }}
        >
          {u.sampleContent}
        </Text>
      </Labelled>
    </Stack>
  );
}

function History({
  useCase,
  all,
  lookups,
  onDecide,
}: {
  useCase: UseCase;
  all: readonly UseCase[];
  lookups: Lookups;
  onDecide: (u: UseCase, d: Decision) => void;
}) {
  const history = historyOf(useCase, all);
  const customer = lookups.customers.get(useCase.customerId) ?? `customer #${useCase.customerId}`;
  return (
    <Stack gap="xs" data-testid="use-case-history">
      <Text fw={600} size="sm">
        Other use cases of {customer}
      </Text>
      {history.length === 0 && (
        <Text size="sm" c="dimmed">
          None: this is the customer's first.
        </Text>
      )}
      {history.map((h, i) => (
        <Stack key={h.id} gap={4} data-testid="history-use-case">
          {i > 0 && <Divider mb={4} />}
          <Group justify="space-between" wrap="nowrap">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                #{h.id}
              </Text>
              <StatusBadge status={h.status} />
              <Text size="xs" c="dimmed">
                submitted {formatDateTime(h.submittedAt)}
              </Text>
            </Group>
            {decisionsFor(h.status).map((d) => (
              <DecisionButton key={d} size="xs" decision={d} onClick={() => onDecide(h, d)} />
            ))}
          </Group>
          <Text size="sm" lineClamp={2}>
            {h.description}
          </Text>
          <Group gap="md">
            <MediaTypes types={h.mediaTypes} policy={lookups.policy} />
            <Text size="xs" c="dimmed">
              {h.numberIds.map((id) => lookups.numbers.get(id) ?? `#${id}`).join(', ')}
            </Text>
            {h.attExempt && (
              <Badge size="xs" color="indigo" variant="light">
                AT&T exempt
              </Badge>
            )}
          </Group>
          {h.decidedAt && (
            <Text size="xs" c="dimmed">
              {titleCase(h.status)} {formatDateTime(h.decidedAt)}
              {h.decidedBy ? ` by ${h.decidedBy}` : ''}
              {h.decisionReason ? `: ${h.decisionReason}` : ''}
            </Text>
          )}
        </Stack>
      ))}
    </Stack>
  );
}

function DecisionModal({
  target,
  lookups,
  onClose,
  onDecided,
}: {
  target: { useCase: UseCase; decision: Decision } | null;
  lookups: Lookups;
  onClose: () => void;
  onDecided: () => void;
}) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target ? `${DECISION_LABELS[target.decision]} use case #${target.useCase.id}?` : ''}
      centered
      size="lg"
    >
      {/* Keyed so each opening starts with an empty form. */}
      {target && (
        <DecisionForm
          key={`${target.useCase.id}-${target.decision}`}
          useCase={target.useCase}
          decision={target.decision}
          customer={lookups.customers.get(target.useCase.customerId) ?? `customer #${target.useCase.customerId}`}
          onCancel={onClose}
          onDecided={onDecided}
        />
      )}
    </Modal>
  );
}

const CONSEQUENCES: Record<Decision, string> = {
  APPROVED: 'Its numbers may then send MMS of its media types; an earlier approval for the same numbers is superseded.',
  REJECTED: 'The customer sees the reason; MMS from its numbers stay refused unless another use case is approved.',
  REVOKED: 'MMS from its numbers are refused from now on (MMS_USE_CASE_NOT_APPROVED); the customer sees the reason.',
};

function DecisionForm({
  useCase,
  decision,
  customer,
  onCancel,
  onDecided,
}: {
  useCase: UseCase;
  decision: Decision;
  customer: string;
  onCancel: () => void;
  onDecided: () => void;
}) {
  const form = useForm<{ reason: string }>({
    mode: 'controlled',
    initialValues: { reason: '' },
    validate: { reason: (value) => decisionReasonError(decision, value) },
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [{ fetching }, decide] = useMutation(DecideMmsUseCase);
  const required = decision !== 'APPROVED';

  async function submit({ reason }: { reason: string }) {
    setGeneral([]);
    const trimmed = reason.trim();
    const result = await decide({ id: useCase.id, status: decision, reason: trimmed || null });
    if (result.error) {
      const split = splitErrors(result.error, ['reason']);
      form.setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    notifications.show({
      color: DECISION_COLORS[decision],
      icon: <IconCircleCheck size={16} />,
      title: `Use case #${useCase.id} ${titleCase(decision).toLowerCase()}`,
      message: `${customer}: ${useCase.description}`,
    });
    onDecided();
  }

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        <Text size="sm">
          <b>{customer}</b>: {useCase.description}
        </Text>
        <Text size="sm" c="dimmed">
          {CONSEQUENCES[decision]}
        </Text>
        {general.length > 0 && (
          <Alert color="red" variant="light" title="Not decided" icon={<IconAlertTriangle size={18} />} role="alert">
            <List size="sm">
              {general.map((m) => (
                <List.Item key={m}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Textarea
          label="Reason"
          description={required ? 'Required: the customer and the audit log see it.' : 'Optional: kept in the audit log.'}
          withAsterisk={required}
          autosize
          minRows={3}
          data-autofocus
          data-testid="decision-reason"
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={fetching}>
            Back
          </Button>
          <Button type="submit" color={DECISION_COLORS[decision]} loading={fetching} data-testid="confirm-decision">
            {DECISION_LABELS[decision]}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
