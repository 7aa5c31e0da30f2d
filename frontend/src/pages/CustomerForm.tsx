import { Alert, Button, Group, List, Paper, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../generated/gql';
import type { CustomerStatus, CustomerUpdateInput } from '../../generated/gql/graphql';
import { splitErrors } from '../api/errors';
import { ErrorAlert, PageHeader, TableSkeleton } from '../components/common';

const CreateCustomer = graphql(`
  mutation CreateCustomer($input: NewCustomerInput!) {
    createCustomer(input: $input) {
      id
      name
    }
  }
`);

const UpdateCustomer = graphql(`
  mutation UpdateCustomer($id: ID!, $input: CustomerUpdateInput!) {
    updateCustomer(id: $id, input: $input) {
      id
      name
      status
      currency
      accountManagerEmail
      billingEmail
      updatedAt
    }
  }
`);

const CustomerForEdit = graphql(`
  query CustomerForEdit($id: ID!) {
    customer(id: $id) {
      id
      name
      status
      currency
      accountManagerEmail
      billingEmail
    }
  }
`);

interface Values {
  name: string;
  accountManagerEmail: string;
  billingEmail: string;
  currency: string;
  status: CustomerStatus;
}

const FIELDS: (keyof Values)[] = ['name', 'accountManagerEmail', 'billingEmail', 'currency', 'status'];

const STATUS_OPTIONS = [
  { value: 'ACTIVE', label: 'Active' },
  { value: 'SUSPENDED', label: 'Suspended: traffic refused' },
  { value: 'CLOSED', label: 'Closed: contract ended' },
];

const EMPTY: Values = { name: '', accountManagerEmail: '', billingEmail: '', currency: 'USD', status: 'ACTIVE' };

/** The fields that differ from what was loaded: an update sends only those. */
export function changedFields(before: Values, after: Values): CustomerUpdateInput {
  const out: CustomerUpdateInput = {};
  for (const f of FIELDS) {
    if (before[f] !== after[f]) (out as Record<string, unknown>)[f] = after[f];
  }
  return out;
}

function CustomerFields({
  initial,
  submitLabel,
  onSubmit,
  cancelTo,
}: {
  initial: Values;
  submitLabel: string;
  onSubmit: (values: Values) => Promise<{ error?: Parameters<typeof splitErrors>[0] }>;
  cancelTo: string;
}) {
  const form = useForm<Values>({ mode: 'controlled', initialValues: initial });
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    setBusy(true);
    setGeneral([]);
    const { error } = await onSubmit(values);
    setBusy(false);
    if (error) {
      const split = splitErrors(error, FIELDS);
      form.setErrors(split.fields);
      setGeneral(split.general);
    }
  }

  return (
    <Paper withBorder radius="md" p="xl" maw={760}>
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          {general.length > 0 && (
            <Alert color="red" variant="light" title="Not saved" icon={<IconAlertTriangle size={18} />} role="alert">
              <List size="sm">
                {general.map((m) => (
                  <List.Item key={m}>{m}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <TextInput label="Name" placeholder="Acme Messaging Ltd" withAsterisk {...form.getInputProps('name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Account manager email"
              description="Receives the account's alerts"
              placeholder="am@operator.example"
              withAsterisk
              {...form.getInputProps('accountManagerEmail')}
            />
            <TextInput
              label="Billing email"
              description="Receives the invoices"
              placeholder="billing@customer.example"
              withAsterisk
              {...form.getInputProps('billingEmail')}
            />
            <TextInput
              label="Currency"
              description="ISO 4217 code; invoices round to its minor unit"
              placeholder="USD"
              withAsterisk
              maxLength={3}
              {...form.getInputProps('currency')}
            />
            <Select
              label="Status"
              description="Suspended customers' traffic is refused"
              data={STATUS_OPTIONS}
              allowDeselect={false}
              {...form.getInputProps('status')}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" component={Link} to={cancelTo}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function NewCustomer() {
  const navigate = useNavigate();
  const [, create] = useMutation(CreateCustomer);
  return (
    <>
      <PageHeader
        title="New customer"
        subtitle="The customer starts with no numbers; register its numbers and senders next."
        crumbs={[{ label: 'Customers', to: '/customers' }, { label: 'New' }]}
      />
      <CustomerFields
        initial={EMPTY}
        submitLabel="Create customer"
        cancelTo="/customers"
        onSubmit={async (values) => {
          const result = await create({ input: values });
          if (result.error || !result.data) return { error: result.error };
          notifications.show({
            color: 'teal',
            icon: <IconCheck size={16} />,
            title: 'Customer created',
            message: result.data.createCustomer.name,
          });
          navigate(`/customers/${result.data.createCustomer.id}`);
          return {};
        }}
      />
    </>
  );
}

export function EditCustomer() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: CustomerForEdit, variables: { id }, requestPolicy: 'network-only' });
  const [, update] = useMutation(UpdateCustomer);
  const [initial, setInitial] = useState<Values | null>(null);
  useEffect(() => {
    if (data && !initial) {
      const c = data.customer;
      setInitial({
        name: c.name,
        accountManagerEmail: c.accountManagerEmail,
        billingEmail: c.billingEmail,
        currency: c.currency,
        status: c.status,
      });
    }
  }, [data, initial]);

  return (
    <>
      <PageHeader
        title={data ? `Edit ${data.customer.name}` : 'Edit customer'}
        crumbs={[
          { label: 'Customers', to: '/customers' },
          { label: data?.customer.name ?? '…', to: `/customers/${id}` },
          { label: 'Edit' },
        ]}
      />
      <ErrorAlert error={error} title="The customer could not be loaded" />
      {fetching && !initial && <TableSkeleton rows={4} label="Loading customer" />}
      {initial && (
        <CustomerFields
          initial={initial}
          submitLabel="Save changes"
          cancelTo={`/customers/${id}`}
          onSubmit={async (values) => {
            const input = changedFields(initial, values);
            if (Object.keys(input).length > 0) {
              const result = await update({ id, input });
              if (result.error) return { error: result.error };
              notifications.show({
                color: 'teal',
                icon: <IconCheck size={16} />,
                title: 'Saved',
                message: `${Object.keys(input).length} field(s) changed`,
              });
            }
            navigate(`/customers/${id}`);
            return {};
          }}
        />
      )}
    </>
  );
}
