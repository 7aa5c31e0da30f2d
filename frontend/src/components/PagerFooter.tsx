import { Button, Group, Loader, Select, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { nextPage, pageNumber, previousPage, rangeLabel, type PageState } from '../lib/paging';

/**
 * The footer every paged table shares: rows per page, the range on screen, previous and next.
 * Pages keep their own page state and page size (often in the URL); this only draws them.
 */
export function PagerFooter({
  pageSizes,
  pageSize,
  onPageSize,
  page,
  onPage,
  rows,
  hasNextPage,
  endCursor,
  fetching,
  refreshing = false,
}: {
  pageSizes: readonly number[];
  pageSize: number;
  onPageSize: (size: number) => void;
  page: PageState;
  onPage: (page: PageState) => void;
  /** Rows on the current page. */
  rows: number;
  hasNextPage: boolean | undefined;
  endCursor: string | null | undefined;
  fetching: boolean;
  /** A refetch of a page already shown: a small spinner beside the range. */
  refreshing?: boolean;
}) {
  return (
    <Group justify="space-between" mt="md">
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Rows per page
        </Text>
        <Select
          w={80}
          size="xs"
          data={pageSizes.map(String)}
          value={String(pageSize)}
          onChange={(v) => onPageSize(Number(v ?? pageSize))}
          allowDeselect={false}
          aria-label="Rows per page"
        />
      </Group>
      <Group gap="xs">
        {refreshing && <Loader size="xs" />}
        <Text size="sm" c="dimmed" data-testid="page-range">
          {rangeLabel(page, pageSize, rows)}
          {rows > 0 ? ` · page ${pageNumber(page)}` : ''}
        </Text>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconChevronLeft size={14} />}
          disabled={pageNumber(page) === 1 || fetching}
          onClick={() => onPage(previousPage(page))}
        >
          Previous
        </Button>
        <Button
          size="xs"
          variant="default"
          rightSection={<IconChevronRight size={14} />}
          disabled={!hasNextPage || fetching}
          onClick={() => onPage(nextPage(page, endCursor))}
        >
          Next
        </Button>
      </Group>
    </Group>
  );
}
