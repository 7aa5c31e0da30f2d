import { Anchor, Badge, Button, Paper, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { can } from '../lib/access';
import { formatDateTime, STATUS_COLORS, titleCase } from '../lib/format';
import { currentAfter, firstPage } from '../lib/paging';
import { PagerFooter } from '../components/PagerFooter';

const CustomersQuery = graphql(`
  query Customers($first: Int!, $after: String) {
    customers(first: $first, after: $after) {
      edges {
        node {
          id
          name
          status
          currency
          accountManagerEmail
          billingEmail
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export function CustomersList() {
  const session = useSignedIn();
  const navigate = useNavigate();
  const [pageSize, setPageSize] = useState(20);
  const [page, setPage] = useState(firstPage);
  const [{ data, fetching, error }] = useQuery({
    query: CustomersQuery,
    variables: { first: pageSize, after: currentAfter(page) },
  });
  const rows = data?.customers.edges.map((e) => e.node) ?? [];
  const info = data?.customers.pageInfo;

  return (
    <>
      <PageHeader
        title="Customers"
        subtitle="Every account the operator carries traffic for and bills."
        actions={
          can(session.role, 'customer.create') && (
            <Button component={Link} to="/customers/new" leftSection={<IconPlus size={16} />}>
              New customer
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error} title="Customers could not be loaded" />
        {fetching && !data ? (
          <TableSkeleton label="Loading customers" />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="customers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Currency</Table.Th>
                  <Table.Th>Account manager</Table.Th>
                  <Table.Th>Billing contact</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={c.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/customers/${c.id}`)}>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${c.id}`} fw={600} onClick={(e) => e.stopPropagation()}>
                        {c.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLORS[c.status]} variant="light">
                        {titleCase(c.status)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{c.currency}</Table.Td>
                    <Table.Td>{c.accountManagerEmail}</Table.Td>
                    <Table.Td>{c.billingEmail}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {formatDateTime(c.createdAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" ta="center" py="lg">
                        No customers yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <PagerFooter
          pageSizes={[10, 20, 50, 100]}
          pageSize={pageSize}
          onPageSize={(size) => {
                setPageSize(size);
                setPage(firstPage);
              }}
          page={page}
          onPage={setPage}
          rows={rows.length}
          hasNextPage={info?.hasNextPage}
          endCursor={info?.endCursor}
          fetching={fetching}
        />
      </Paper>
    </>
  );
}
