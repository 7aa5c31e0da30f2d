import { Badge, Button, type BadgeProps, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import type { InvoiceState } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { downloadWithKey } from '../lib/download';
import { INVOICE_STATE_COLORS, INVOICE_STATE_LABELS } from '../lib/invoices';

export function InvoiceStateBadge({ state, ...props }: { state: InvoiceState } & BadgeProps & { 'data-testid'?: string }) {
  return (
    <Badge color={INVOICE_STATE_COLORS[state]} variant="light" {...props}>
      {INVOICE_STATE_LABELS[state]}
    </Badge>
  );
}

/**
 * Downloads a document the service serves with API authorization (`/invoices/12.pdf`): a
 * plain link would send no key, so it is fetched with the session's key and saved.
 */
export function DownloadButton({
  url,
  children,
  ...props
}: { url: string; children: ReactNode } & ButtonProps & { 'data-testid'?: string }) {
  const session = useSignedIn();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      await downloadWithKey(url, session.key);
    } catch (e) {
      notifications.show({ color: 'red', title: 'Not downloaded', message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button
      variant="default"
      size="xs"
      leftSection={<IconDownload size={14} />}
      loading={busy}
      onClick={() => void download()}
      {...props}
    >
      {children}
    </Button>
  );
}
