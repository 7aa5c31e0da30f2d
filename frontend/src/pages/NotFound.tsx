import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Center mih={400}>
      <Stack align="center" gap="xs">
        <Title order={1} c="dimmed">
          404
        </Title>
        <Text>There is no page at this address.</Text>
        <Button component={Link} to="/" variant="light">
          Back to the start
        </Button>
      </Stack>
    </Center>
  );
}
