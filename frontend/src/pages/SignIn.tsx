import { Alert, Anchor, Box, Button, Center, Code, Paper, PasswordInput, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconInfoCircle, IconKey, IconMessages } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useSession } from '../api/SessionContext';
import { identify, SignInError } from '../api/session';
import { homeFor } from '../lib/access';

export function SignIn() {
  const { session, signIn, endedBecause } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session) return <Navigate to={homeFor(session.role, session.customerId)} replace />;

  const from = (location.state as { from?: string } | null)?.from;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await identify(key);
      signIn(s);
      navigate(from && from !== '/sign-in' ? from : homeFor(s.role, s.customerId), { replace: true });
    } catch (err) {
      setError(err instanceof SignInError ? err.message : `Sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Box w={420}>
        <Stack align="center" gap={6} mb="lg">
          <ThemeIcon size={52} radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan', deg: 135 }}>
            <IconMessages size={30} />
          </ThemeIcon>
          <Title order={2}>Messaging back office</Title>
          <Text c="dimmed" size="sm">
            Sign in with an API key
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={submit} noValidate>
            <Stack>
              {endedBecause && !error && (
                <Alert color="orange" variant="light" icon={<IconInfoCircle size={18} />}>
                  {endedBecause}
                </Alert>
              )}
              <PasswordInput
                label="API key"
                description={
                  <>
                    The admin token, or a key from <Code fz="xs">backoffice api-key create</Code>
                  </>
                }
                placeholder="bo_…"
                leftSection={<IconKey size={16} />}
                value={key}
                onChange={(e) => setKey(e.currentTarget.value)}
                error={error}
                autoFocus
                autoComplete="off"
                data-testid="api-key"
              />
              <Button type="submit" loading={busy} fullWidth size="md">
                Sign in
              </Button>
              <Text size="xs" c="dimmed">
                The key stays in this browser tab only (session storage) and is sent as{' '}
                <Code>Authorization: Bearer</Code>. What you see depends on the key's role.{' '}
                <Anchor href="/graphql" size="xs" underline="always">
                  GraphQL explorer
                </Anchor>
              </Text>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
