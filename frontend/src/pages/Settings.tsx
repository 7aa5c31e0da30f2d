import { Badge, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { sectionTitle, settingsSections } from '../lib/settings';

const SettingsQuery = graphql(`
  query Settings {
    settings
  }
`);

/** `/settings` (admins): the settings in force, a section per part, read-only, secrets masked by the service. */
export function Settings() {
  const [{ data, fetching, error }] = useQuery({ query: SettingsQuery });
  const sections = useMemo(() => settingsSections(data?.settings), [data]);

  return (
    <>
      <PageHeader
        title="Settings"
        subtitle="The settings this instance runs with (the TOML file, then environment overrides). Read-only here: passwords, tokens and URL credentials are masked."
      />
      <ErrorAlert error={error} title="The settings could not be loaded" />
      {fetching && !data && <TableSkeleton rows={6} label="Loading settings" />}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        {sections.map((s) => (
          <Paper key={s.name} withBorder radius="md" p="md" component="section" aria-labelledby={`settings-${s.name}`} data-testid={`settings-${s.name}`}>
            <Group gap="xs" mb="sm">
              <Title order={3} id={`settings-${s.name}`}>
                {sectionTitle(s.name)}
              </Title>
              <Text size="xs" c="dimmed" ff="monospace">
                [{s.name}]
              </Text>
            </Group>
            {s.entries.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing set.
              </Text>
            ) : (
              <dl style={{ display: 'grid', gridTemplateColumns: 'minmax(140px, max-content) 1fr', columnGap: 16, rowGap: 6, margin: 0 }}>
                {s.entries.map((e) => (
                  <div key={e.name} style={{ display: 'contents' }}>
                    <Text component="dt" size="sm" ff="monospace" fw={600}>
                      {e.name}
                    </Text>
                    <Text component="dd" size="sm" ff="monospace" m={0} style={{ overflowWrap: 'anywhere' }} data-testid={`setting-${s.name}.${e.name}`}>
                      {e.value}
                      {e.masked && (
                        <Badge ml={6} size="xs" variant="light" color="gray" leftSection={<IconLock size={10} aria-hidden />}>
                          masked
                        </Badge>
                      )}
                    </Text>
                  </div>
                ))}
              </dl>
            )}
          </Paper>
        ))}
      </SimpleGrid>
    </>
  );
}
