import { AppShell, Badge, Box, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAntenna,
  IconApi,
  IconBell,
  IconBriefcase,
  IconFileSpreadsheet,
  IconSettings,
  IconClockPlay,
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
import { can, navFor, ROLE_LABELS, type NavIcon, type NavQueue } from '../lib/access';
import { ALERT_COUNT_LIMIT, alertCountBadge, alertCountLabel } from '../lib/alerts';
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

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      customerId
      managerEmail
    }
  }
`);

/** An account manager key's manager (null for team keys and other roles, and while loading). */
function useManagerEmail(enabled: boolean): string | null {
  const [{ data }] = useQuery({ query: ViewerQuery, pause: !enabled });
  return data?.viewer.managerEmail ?? null;
}

const AlertCount = graphql(`
  query AlertCount($first: Int!) {
    alerts(acknowledged: false, first: $first) {
      edges {
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

/**
 * The alerts nobody acknowledged yet, for the roles that read alerts (null otherwise, and while
 * loading). Acknowledging returns an alert and a job run may raise some, which makes urql
 * fetch the count again.
 */
function useAlertCount(enabled: boolean): { count: number; more: boolean } | null {
  const context = useMemo(() => ({ additionalTypenames: ['Alert', 'JobRun'] }), []);
  const [{ data }] = useQuery({ query: AlertCount, variables: { first: ALERT_COUNT_LIMIT }, pause: !enabled, context });
  return useMemo(() => (data ? { count: data.alerts.edges.length, more: data.alerts.pageInfo.hasNextPage } : null), [data]);
}

/** A count beside a navigation entry: what its badge shows, says and looks like. */
interface NavCount {
  count: number;
  badge: string;
  label: string;
  color: string;
}

function navCounts(compliance: ComplianceCounts | null, alerts: { count: number; more: boolean } | null): Partial<Record<NavQueue, NavCount>> {
  const out: Partial<Record<NavQueue, NavCount>> = {};
  if (compliance) {
    for (const q of Object.keys(compliance) as QueueKey[]) {
      out[q] = { count: compliance[q], badge: String(compliance[q]), label: queueLabel(q, compliance[q]), color: QUEUE_COLORS[q] };
    }
  }
  if (alerts) {
    out.alerts = { count: alerts.count, badge: alertCountBadge(alerts.count, alerts.more), label: alertCountLabel(alerts.count, alerts.more), color: 'red' };
  }
  return out;
}

function QueueBadges({ queues, counts }: { queues: readonly NavQueue[]; counts: Partial<Record<NavQueue, NavCount>> }) {
  const shown = queues.flatMap((q) => {
    const c = counts[q];
    return c && c.count > 0 ? [[q, c] as const] : [];
  });
  if (shown.length === 0) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {shown.map(([q, c]) => (
        <Tooltip key={q} label={c.label}>
          <Badge size="sm" circle={c.badge.length < 2} color={c.color} variant="filled" data-testid={`queue-${q}`}>
            <span aria-hidden>{c.badge}</span>
            <span className="sr-only" style={SR_ONLY}>
              {c.label}
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
  gateway: IconAntenna,
  alerts: IconBell,
  jobs: IconClockPlay,
  bulk: IconFileSpreadsheet,
  portfolio: IconBriefcase,
  settings: IconSettings,
  api: IconApi,
};

export function Layout() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const nav = navFor(session.role, session.customerId);
  const compliance = useComplianceCounts(can(session.role, 'compliance.queues'));
  const alerts = useAlertCount(can(session.role, 'alert.read'));
  const counts = useMemo(() => navCounts(compliance, alerts), [compliance, alerts]);
  const managerEmail = useManagerEmail(session.role === 'ACCOUNT_MANAGER');
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
            {managerEmail && (
              <Text size="sm" c="dimmed" visibleFrom="sm" data-testid="manager-email">
                {managerEmail}
              </Text>
            )}
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
                rightSection: item.queues ? <QueueBadges queues={item.queues} counts={counts} /> : undefined,
                active,
                variant: 'light' as const,
                // The active entry's description is not faded: it must read on the tint.
                styles: { root: { borderRadius: 'var(--mantine-radius-md)' }, description: { opacity: 1 } },
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
