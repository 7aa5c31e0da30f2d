import { Alert, Button, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';

/** What a confirmed action's mutation answered: nothing on success, else the errors to show. */
export interface ActionOutcome {
  /** Messages for the reason field (VALIDATION on `reason`). */
  reason?: string;
  general?: string[];
}

/**
 * A confirmation with a reason: used where the service wants one (suspending a code, rejecting
 * a filing) and where it is optional (approving). The reason is checked with `validate` before
 * anything is sent; the service's own refusal is shown in the dialog, which stays open.
 */
export function ReasonDialog({
  opened,
  title,
  children,
  confirmLabel,
  color,
  required,
  validate,
  onConfirm,
  onClose,
  testId,
}: {
  opened: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  color: string;
  required: boolean;
  validate: (reason: string) => string | null;
  onConfirm: (reason: string) => Promise<ActionOutcome | null>;
  onClose: () => void;
  testId?: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg" data-testid={testId}>
      {opened && (
        <ReasonForm
          required={required}
          validate={validate}
          confirmLabel={confirmLabel}
          color={color}
          onConfirm={onConfirm}
          onCancel={onClose}
        >
          {children}
        </ReasonForm>
      )}
    </Modal>
  );
}

function ReasonForm({
  children,
  required,
  validate,
  confirmLabel,
  color,
  onConfirm,
  onCancel,
}: {
  children?: ReactNode;
  required: boolean;
  validate: (reason: string) => string | null;
  confirmLabel: string;
  color: string;
  onConfirm: (reason: string) => Promise<ActionOutcome | null>;
  onCancel: () => void;
}) {
  const form = useForm<{ reason: string }>({ mode: 'controlled', initialValues: { reason: '' }, validate: { reason: validate } });
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit({ reason }: { reason: string }) {
    setGeneral([]);
    setBusy(true);
    try {
      const outcome = await onConfirm(reason.trim());
      if (outcome?.reason) form.setFieldError('reason', outcome.reason);
      if (outcome?.general?.length) setGeneral(outcome.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack gap="md">
        {children && (
          <Text size="sm" component="div">
            {children}
          </Text>
        )}
        {general.length > 0 && (
          <Alert color="red" variant="light" title="Not done" icon={<IconAlertTriangle size={18} />} role="alert">
            <List size="sm">
              {general.map((m) => (
                <List.Item key={m}>{m}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Textarea
          label="Reason"
          description={required ? 'Required: kept with the decision and in the audit log.' : 'Optional: kept in the audit log.'}
          withAsterisk={required}
          autosize
          minRows={3}
          data-autofocus
          data-testid="action-reason"
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Back
          </Button>
          <Button type="submit" color={color} loading={busy} data-testid="confirm-action">
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
