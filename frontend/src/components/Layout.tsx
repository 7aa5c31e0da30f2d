import { AppShell, Badge, Box, Burger, Button, Group, NavLink, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconApi,
  IconBuildingStore,
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
import { Link, Outlet, useLocation } from 'react-router';
import { useSignedIn, useSession } from '../api/SessionContext';
import { navFor, ROLE_LABELS, type NavIcon } from '../lib/access';

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
  api: IconApi,
};

export function Layout() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const nav = navFor(session.role, session.customerId);
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
        <Stack gap={4}>
          {nav.map((item) => {
            const Icon = ICONS[item.icon];
            const active = !item.external && (section === item.to || section.startsWith(`${item.to}/`));
            const common = {
              label: item.label,
              description: item.description,
              leftSection: <Icon size={20} stroke={1.6} />,
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
      </AppShell.Navbar>

      <AppShell.Main>
        <Box maw={1280} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
