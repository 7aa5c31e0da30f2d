import { Anchor, Badge, Group, Paper, SimpleGrid, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconFile, IconFileMusic, IconFileText, IconMovie, IconPhoto } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useSignedIn } from '../api/SessionContext';
import { can } from '../lib/access';
import { formatSize, totalSize } from '../lib/mms';
import { MessageText } from './messages';

export interface MmsPart {
  seq: number;
  contentType: string;
  contentId?: string | null;
  filename?: string | null;
  sizeBytes: number;
}

function PartIcon({ type }: { type: string }) {
  const t = type.toLowerCase();
  const Icon = t.startsWith('audio/')
    ? IconFileMusic
    : t.startsWith('video/')
      ? IconMovie
      : t.startsWith('image/')
        ? IconPhoto
        : t.startsWith('text/')
          ? IconFileText
          : IconFile;
  return <Icon size={16} stroke={1.6} color="var(--mantine-color-gray-6)" aria-hidden />;
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" fw={600} mt={4} component="div" data-testid={testId}>
        {children}
      </Text>
    </Paper>
  );
}

/** An MMS's subject, use case and parts (type and size: the content is never served). */
export function MmsContentCard({
  subject,
  useCaseId,
  parts,
  body,
}: {
  subject: string | null | undefined;
  useCaseId: string | null | undefined;
  parts: readonly MmsPart[];
  body: string | null | undefined;
}) {
  const session = useSignedIn();
  const sorted = [...parts].sort((a, b) => a.seq - b.seq);
  return (
    <Paper withBorder radius="md" p="lg" data-testid="message-mms">
      <Title order={4} mb="sm">
        MMS content
      </Title>
      <SimpleGrid cols={3} spacing="sm" mb="md">
        <Stat label="Subject" testId="message-detail-subject">
          {subject ? subject : <Text span c="dimmed" size="sm">none</Text>}
        </Stat>
        <Stat label="Use case" testId="message-detail-use-case">
          {useCaseId ? (
            can(session.role, 'usecase.decide') ? (
              <Anchor component={Link} to="/use-cases" size="sm" fw={600}>
                #{useCaseId}
              </Anchor>
            ) : (
              `#${useCaseId}`
            )
          ) : (
            <Text span c="dimmed" size="sm">
              none recorded
            </Text>
          )}
        </Stat>
        <Stat label="Size">
          {formatSize(totalSize(sorted))}{' '}
          <Text span size="xs" c="dimmed" fw={400}>
            in {sorted.length} part{sorted.length === 1 ? '' : 's'}
          </Text>
        </Stat>
      </SimpleGrid>
      <Table verticalSpacing="xs" data-testid="mms-parts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>#</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Filename</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((p) => (
            <Table.Tr key={p.seq} data-testid="mms-part">
              <Table.Td c="dimmed">{p.seq + 1}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <PartIcon type={p.contentType} />
                  <Text size="sm" ff="monospace" data-testid="mms-part-type">
                    {p.contentType}
                  </Text>
                </Group>
              </Table.Td>
              <Table.Td>
                {p.filename ? (
                  <Text size="sm">{p.filename}</Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
                {p.contentId && (
                  <Tooltip label="The part's Content-ID">
                    <Badge size="xs" variant="light" color="gray" ml={6}>
                      {p.contentId}
                    </Badge>
                  </Tooltip>
                )}
              </Table.Td>
              <Table.Td ta="right" ff="monospace" data-testid="mms-part-size">
                <Tooltip label={`${p.sizeBytes.toLocaleString('en-US')} bytes`}>
                  <span>{formatSize(p.sizeBytes)}</span>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
          {sorted.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={4}>
                <Text c="dimmed" size="sm" ta="center" py="sm">
                  No parts recorded.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs" mb="md">
        Parts are listed by type and size; their content is not kept for viewing.
      </Text>
      {body ? (
        <>
          <Text size="sm" fw={600} mb={4}>
            Text
          </Text>
          <MessageText text={body} />
        </>
      ) : null}
    </Paper>
  );
}
