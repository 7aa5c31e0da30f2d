import { AppShell, Badge, Box, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconApi,
  IconBuildingStore,
  IconCash,
  IconCircleOff,
  IconHash,
  IconReceipt2,
  IconTimeline,
  IconChartBar,
  IconChartLine,
  IconClipboardCheck,
  IconFileInvoice,
  IconInbox,
  IconLogout,
  IconMessage2Bolt,
  IconMessages,
  IconPhone,
  IconUsers,
} from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { useSignedIn, useSession } from '../api/SessionContext';
import { can, navFor, ROLE_LABELS, type NavIcon } from '../lib/access';
import { complianceCounts, QUEUE_COLORS, queueLabel, type ComplianceCounts, type QueueKey } from '../lib/compliance';

const ComplianceQueues = graphql(`
  query ComplianceQueues {
    mmsUseCaseQueue {
      id
    }
    filings {
      id
      status
    }
    leases(state: SUSPENDED) {
      id
      state
    }
    numbers(kind: ALPHANUMERIC, first: 100) {
      edges {
        node {
          id
          kind
          authorizations {
            id
            reference
            grantedAt
            grantedBy
            withdrawnAt
          }
        }
      }
    }
  }
`);

/**
 * The compliance queues' counts for the roles that work them (null for the others, and while
 * loading). A decision elsewhere returns a use case, filing, lease or authorization, which
 * makes urql fetch the counts again.
 */
function useComplianceCounts(enabled: boolean): ComplianceCounts | null {
  const context = useMemo(() => ({ additionalTypenames: ['MmsUseCase', 'Filing', 'Lease', 'SenderAuthorization', 'Number'] }), []);
  const [{ data }] = useQuery({ query: ComplianceQueues, pause: !enabled, context });
  return useMemo(
    () =>
      data
        ? complianceCounts({
            useCaseQueue: data.mmsUseCaseQueue,
            filings: data.filings,
            leases: data.leases,
            alphanumerics: data.numbers.edges.map((e) => e.node),
          })
        : null,
    [data],
  );
}

function QueueBadges({ queues, counts }: { queues: readonly QueueKey[]; counts: ComplianceCounts }) {
  const shown = queues.filter((q) => counts[q] > 0);
  if (shown.length === 0) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {shown.map((q) => (
        <Tooltip key={q} label={queueLabel(q, counts[q])}>
          <Badge size="sm" circle={counts[q] < 10} color={QUEUE_COLORS[q]} variant="filled" data-testid={`queue-${q}`}>
            <span aria-hidden>{counts[q]}</span>
            <span className="sr-only" style={SR_ONLY}>
              {queueLabel(q, counts[q])}
            </span>
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

/** Visually hidden, still read out. */
const SR_ONLY: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

const ICONS: Record<NavIcon, typeof IconUsers> = {
  customers: IconUsers,
  account: IconBuildingStore,
  numbers: IconPhone,
  messages: IconInbox,
  analytics: IconChartBar,
  useCases: IconClipboardCheck,
  ratio: IconChartLine,
  invoices: IconFileInvoice,
  preview: IconMessage2Bolt,
  shortCodes: IconHash,
  blocked: IconCircleOff,
  forecasts: IconTimeline,
  rates: IconReceipt2,
  revenue: IconCash,
  api: IconApi,
};

export function Layout() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const nav = navFor(session.role, session.customerId);
  const counts = useComplianceCounts(can(session.role, 'compliance.queues'));
  // A customer's numbers belong to the numbers section, not to the customer list.
  const section = /^\/customers\/[^/]+\/numbers/.test(pathname) ? '/numbers' : pathname;

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 272, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
      styles={{ main: { background: 'var(--mantine-color-gray-0)' } }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <ThemeIcon size={34} radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan', deg: 135 }}>
              <IconMessages size={20} />
            </ThemeIcon>
            <Box>
              <Text fw={700} size="md" lh={1.1}>
                Messaging back office
              </Text>
              <Text size="xs" c="dimmed" lh={1.1}>
                SMS · MMS · SMPP
              </Text>
            </Box>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {session.customerName && (
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {session.customerName}
              </Text>
            )}
            <Tooltip label="The role of the API key you signed in with">
              <Badge variant="light" size="lg" data-testid="role-badge">
                {ROLE_LABELS[session.role]}
              </Badge>
            </Tooltip>
            <Button
              variant="subtle"
              color="gray"
              leftSection={<IconLogout size={16} />}
              onClick={() => signOut()}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea} type="auto">
          <Stack gap={4}>
            {nav.map((item) => {
              const Icon = ICONS[item.icon];
              const active = !item.external && (section === item.to || section.startsWith(`${item.to}/`));
              const common = {
                label: item.label,
                description: item.description,
                leftSection: <Icon size={20} stroke={1.6} />,
                rightSection: counts && item.queues ? <QueueBadges queues={item.queues} counts={counts} /> : undefined,
                active,
                variant: 'light' as const,
                styles: { root: { borderRadius: 'var(--mantine-radius-md)' } },
              };
              return item.external ? (
                <NavLink key={item.to} component="a" href={item.to} target="_blank" rel="noreferrer" {...common} />
              ) : (
                <NavLink key={item.to} component={Link} to={item.to} onClick={close} {...common} />
              );
            })}
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Box maw={1280} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
