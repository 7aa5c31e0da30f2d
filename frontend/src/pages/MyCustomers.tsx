import { Anchor, Badge, Button, Group, Paper, Select, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconFilterOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import { useSignedIn } from '../api/SessionContext';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';
import { useUrlFilters } from '../hooks/useUrlFilters';
import { can } from '../lib/access';
import { STATUS_COLORS, titleCase } from '../lib/format';
import { formatRatioValue, RATIO_LEVEL_COLORS, RATIO_LEVEL_LABELS } from '../lib/mms';
import {
  alertsLink,
  attentionOf,
  forecastsLink,
  managerOptions,
  parsePortfolioFilters,
  portfolioFiltersToParams,
  silenceHighlighted,
  silenceText,
  sortPortfolio,
} from '../lib/portfolio';

const PortfolioQuery = graphql(`
  query Portfolio($accountManager: String) {
    viewer {
      role
      managerEmail
    }
    myCustomers(accountManager: $accountManager) {
      customer {
        id
        name
        status
        accountManagerEmail
      }
      openAlerts
      leasesNearRenewal
      silentCodes
      longestSilenceDays
      forecastsDue
      nextQuarter
      ratioLevel
      ratio
      monthFragments
    }
  }
`);

const PortfolioManagers = graphql(`
  query PortfolioManagers {
    customers(first: 100) {
      edges {
        node {
          id
          accountManagerEmail
        }
      }
    }
  }
`);

const COLUMNS = 7;

/** `/my-customers` (admins, account managers): each customer of a portfolio with what needs attention. */
export function MyCustomers() {
  const session = useSignedIn();
  const anyManager = can(session.role, 'portfolio.anyManager');
  const [filters, update] = useUrlFilters(parsePortfolioFilters, portfolioFiltersToParams);
  const [{ data, fetching, error }] = useQuery({
    query: PortfolioQuery,
    variables: { accountManager: anyManager ? filters.manager : null },
  });
  const [managers] = useQuery({ query: PortfolioManagers, pause: !anyManager });
  const options = managerOptions(managers.data?.customers.edges.map((e) => e.node.accountManagerEmail) ?? [], filters.manager);
  const rows = sortPortfolio(data?.myCustomers ?? []);
  const own = data?.viewer.managerEmail ?? null;

  return (
    <>
      <PageHeader
        title="My customers"
        subtitle={
          own
            ? `The customers of ${own}: open alerts, leases near renewal, silent codes, forecasts due and the AT&T ratio, most to do first.`
            : anyManager && filters.manager
              ? `The customers of ${filters.manager}, most to do first.`
              : "Every account manager's customers, most to do first."
        }
        actions={
          anyManager && (
            <Group gap="xs" align="flex-end">
              <Select
                label="Account manager"
                placeholder="Every manager"
                data={options}
                value={filters.manager}
                onChange={(v) => update({ manager: v })}
                searchable
                clearable
                w={280}
                data-testid="portfolio-manager"
              />
              {filters.manager && (
                <Button variant="subtle" size="sm" leftSection={<IconFilterOff size={14} />} onClick={() => update({ manager: null })}>
                  Everyone's
                </Button>
              )}
            </Group>
          )
        }
      />
      <Paper withBorder radius="md" p="md">
        <ErrorAlert error={error} title="The portfolio could not be loaded" />
        {fetching && !data ? (
          <TableSkeleton rows={4} label="Loading the portfolio" />
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="sm" data-testid="portfolio-table" aria-busy={fetching}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Open alerts</Table.Th>
                  <Table.Th>Leases near renewal</Table.Th>
                  <Table.Th>Silent codes (60+ days)</Table.Th>
                  <Table.Th>Forecasts due</Table.Th>
                  <Table.Th>AT&amp;T MMS ratio</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Fragments this month</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => {
                  const silent = silenceHighlighted(p);
                  const todo = attentionOf(p);
                  return (
                    <Table.Tr key={p.customer.id} data-testid={`portfolio-${p.customer.id}`} data-attention={todo.join(' ')}>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Anchor component={Link} to={`/customers/${p.customer.id}`} fw={600} underline="always">
                            {p.customer.name}
                          </Anchor>
                          {p.customer.status !== 'ACTIVE' && (
                            <Badge size="sm" variant="light" color={STATUS_COLORS[p.customer.status]}>
                              {titleCase(p.customer.status)}
                            </Badge>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {p.customer.accountManagerEmail}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {p.openAlerts > 0 ? (
                          <Anchor component={Link} to={alertsLink(p.customer.id)} underline="always" data-testid="portfolio-alerts">
                            {p.openAlerts} open
                          </Anchor>
                        ) : (
                          <Text size="sm" c="dimmed" data-testid="portfolio-alerts">
                            none
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td data-testid="portfolio-renewals">
                        {p.leasesNearRenewal > 0 ? (
                          <Anchor component={Link} to="/short-codes" underline="always">
                            {p.leasesNearRenewal} within 30 days
                          </Anchor>
                        ) : (
                          <Text size="sm" c="dimmed">
                            none
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td data-testid="portfolio-silence" data-highlighted={silent} bg={silent ? 'orange.0' : undefined}>
                        {silent ? (
                          <Group gap={4} wrap="nowrap">
                            <IconAlertTriangle size={14} color="var(--mantine-color-orange-9)" aria-hidden />
                            <Text size="sm" fw={600} c="orange">
                              {silenceText(p)}
                            </Text>
                          </Group>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {silenceText(p)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td data-testid="portfolio-forecasts">
                        {p.forecastsDue > 0 ? (
                          <Anchor component={Link} to={forecastsLink(p.nextQuarter)} underline="always">
                            {p.forecastsDue} for {p.nextQuarter}
                          </Anchor>
                        ) : (
                          <Text size="sm" c="dimmed">
                            none for {p.nextQuarter}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={`Outgoing to incoming MMS with AT&T this cycle: ${formatRatioValue(p.ratio)}`}>
                          <Badge
                            variant={p.ratioLevel === 'WITHIN' ? 'light' : 'filled'}
                            color={RATIO_LEVEL_COLORS[p.ratioLevel]}
                            data-testid="portfolio-ratio"
                            style={{ minWidth: 'max-content' }}
                          >
                            {RATIO_LEVEL_LABELS[p.ratioLevel]}
                          </Badge>
                        </Tooltip>
                        <Text size="xs" c="dimmed">
                          {formatRatioValue(p.ratio)}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ textAlign: 'right' }} ff="monospace" data-testid="portfolio-fragments">
                        {p.monthFragments.toLocaleString('en-US')}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {rows.length === 0 && !error && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS}>
                      <Text c="dimmed" ta="center" py="lg" data-testid="portfolio-empty">
                        {own || filters.manager ? `No customer names ${own ?? filters.manager} as account manager.` : 'No customer yet.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
