import { Badge, Box, Text, Tooltip, type BadgeProps } from '@mantine/core';
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { MessageStatus } from '../../generated/gql/graphql';
import { useSignedIn } from '../api/SessionContext';
import { can } from '../lib/access';
import { MESSAGE_STATUS_COLORS, messageStatusLabel } from '../lib/messages';
import { codePoints, markCharacters } from '../lib/preview';

const MessageCarriers = graphql(`
  query MessageCarriers {
    carriers {
      id
      code
      name
    }
  }
`);

export function MessageStatusBadge({ status, ...props }: { status: MessageStatus } & BadgeProps) {
  return (
    <Badge color={MESSAGE_STATUS_COLORS[status]} variant="light" {...props}>
      {messageStatusLabel(status)}
    </Badge>
  );
}

export interface CarrierName {
  code: string;
  name: string;
}

/** Carriers by id, for roles that may read them (a customer key may not: an empty map). */
export function useCarrierNames(): Map<string, CarrierName> {
  const session = useSignedIn();
  const [{ data }] = useQuery({ query: MessageCarriers, pause: !can(session.role, 'carrier.read') });
  return useMemo(() => new Map((data?.carriers ?? []).map((c) => [c.id, { code: c.code, name: c.name }])), [data]);
}

/**
 * A carrier by its code (the message's `carrierCode`, which every role reads), with its name on
 * hover for roles that may read carriers; the bare id when no code is known.
 */
export function CarrierLabel({
  id,
  code,
  carriers,
}: {
  id: string | null | undefined;
  code?: string | null;
  carriers: Map<string, CarrierName>;
}) {
  const known = id ? carriers.get(id) : undefined;
  const label = code ?? known?.code;
  if (!label) {
    return (
      <Text span size="sm" c={id ? undefined : 'dimmed'}>
        {id ? `#${id}` : '—'}
      </Text>
    );
  }
  return (
    <Tooltip label={known?.name ?? label} disabled={!known}>
      <Text span size="sm" data-testid="carrier-code">
        {label}
      </Text>
    </Tooltip>
  );
}

/** A message text (or one fragment of it) with invisible and UCS-2-forcing characters marked. */
export function MessageText({ text, flagged = [] }: { text: string; flagged?: readonly string[] }) {
  return (
    <Box
      p="sm"
      bg="gray.0"
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        border: '1px solid var(--mantine-color-gray-3)',
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-word',
        fontFamily: 'var(--mantine-font-family-monospace)',
        fontSize: 'var(--mantine-font-size-sm)',
      }}
    >
      {markCharacters(text, flagged).map((s, j) =>
        s.flagged ? (
          <Tooltip key={j} label={`${codePoints(s.text)} forces UCS-2`}>
            <mark style={{ background: 'var(--mantine-color-orange-2)', borderRadius: 3, padding: '0 1px' }}>
              {s.visible ?? s.text}
            </mark>
          </Tooltip>
        ) : s.visible ? (
          <span key={j} style={{ color: 'var(--mantine-color-gray-5)' }}>
            {s.visible}
            {s.text === '\n' ? '\n' : ''}
          </span>
        ) : (
          <span key={j}>{s.text}</span>
        ),
      )}
    </Box>
  );
}
