import { Badge, Button, Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconEdit, IconInbox, IconMessage2Bolt, IconPhone } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { NumberKind } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { can } from '../lib/access';
import { formatDateTime, NUMBER_KIND_LABELS, STATUS_COLORS, titleCase } from '../lib/format';

const CustomerDetailQuery = graphql(`
  query CustomerDetail($id: ID!) {
    customer(id: $id) {
      id
      name
      status
      currency
      accountManagerEmail
      billingEmail
      createdAt
      updatedAt
    }
    numbers(customerId: $id, first: 100) {
      edges {
        node {
          id
          kind
          messagingEnabled
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const KINDS: NumberKind[] = ['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE', 'ALPHANUMERIC'];

function Field({ label, children }: { label: string; children: React.ReactNode }) {
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

export function CustomerDetail() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const [{ data, fetching, error }] = useQuery({ query: CustomerDetailQuery, variables: { id } });
  const c = data?.customer;
  const numbers = data?.numbers.edges.map((e) => e.node) ?? [];
  const isCustomer = session.role === 'CUSTOMER';

  return (
    <>
      <PageHeader
        title={c?.name ?? (fetching ? 'Loading…' : 'Customer')}
        subtitle={c ? `Customer #${c.id} · billed in ${c.currency}` : undefined}
        crumbs={isCustomer ? undefined : [{ label: 'Customers', to: '/customers' }, { label: c?.name ?? '…' }]}
        actions={
          c && (
            <>
              <Button variant="default" component={Link} to={`/customers/${id}/numbers`} leftSection={<IconPhone size={16} />}>
                Numbers & senders
              </Button>
              <Button
                variant="default"
                component={Link}
                to={isCustomer ? '/messages' : `/messages?customer=${id}`}
                leftSection={<IconInbox size={16} />}
              >
                Messages
              </Button>
              <Button variant="default" component={Link} to={`/preview?customer=${id}`} leftSection={<IconMessage2Bolt size={16} />}>
                Preview a message
              </Button>
              {can(session.role, 'customer.update') && (
                <Button component={Link} to={`/customers/${id}/edit`} leftSection={<IconEdit size={16} />}>
                  Edit
                </Button>
              )}
            </>
          )
        }
      />
      <ErrorAlert error={error} title="The customer could not be loaded" />
      {fetching && !data && <TableSkeleton rows={4} label="Loading customer" />}
      {c && (
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
          <Paper withBorder radius="md" p="lg" style={{ gridColumn: 'span 2' }}>
            <Group justify="space-between" mb="md">
              <Title order={4}>Account</Title>
              <Badge color={STATUS_COLORS[c.status]} variant="light" size="lg" data-testid="customer-status">
                {titleCase(c.status)}
              </Badge>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
              <Field label="Account manager">{c.accountManagerEmail}</Field>
              <Field label="Billing contact">{c.billingEmail}</Field>
              <Field label="Currency">{c.currency}</Field>
              <Field label="Customer id">{c.id}</Field>
              <Field label="Created">{formatDateTime(c.createdAt)}</Field>
              <Field label="Last changed">{formatDateTime(c.updatedAt)}</Field>
            </SimpleGrid>
          </Paper>
          <Card withBorder radius="md" p="lg">
            <Title order={4} mb="md">
              Numbers & senders
            </Title>
            <Stack gap="xs">
              <Table>
                <Table.Tbody>
                  {KINDS.map((k) => {
                    const of = numbers.filter((n) => n.kind === k);
                    return (
                      <Table.Tr key={k}>
                        <Table.Td>{NUMBER_KIND_LABELS[k]}</Table.Td>
                        <Table.Td ta="right">
                          <Text span fw={600}>
                            {of.length}
                          </Text>
                          {of.length > 0 && (
                            <Text span size="xs" c="dimmed">
                              {' '}
                              ({of.filter((n) => n.messagingEnabled).length} enabled)
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
              {data.numbers.pageInfo.hasNextPage && (
                <Text size="xs" c="dimmed">
                  Counts cover the first 100 numbers.
                </Text>
              )}
              <Button variant="light" component={Link} to={`/customers/${id}/numbers`} fullWidth>
                Open numbers
              </Button>
            </Stack>
          </Card>
        </SimpleGrid>
      )}
    </>
  );
}
