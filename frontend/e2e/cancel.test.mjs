// Browser test of cancelling a message from its page. The service's carrier connection points
// at a port nobody listens on, so messages submitted over SMPP stay queued (ACCEPTED), retried
// only after a long wait: still cancellable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
let smpp;
const errors = [];
const sent = {};

const STATUS = 'query($id: ID!) { message(id: $id) { id status sentAt connector } }';

before(async () => {
  server = await startServer({
    env: {
      BACKOFFICE_CARRIERS__DEFAULT_CONNECTOR: 'down',
      BACKOFFICE_CARRIERS__UPSTREAM__DOWN__ADDR: '127.0.0.1:1',
      BACKOFFICE_CARRIERS__UPSTREAM__DOWN__SYSTEM_ID: 'e2e',
      BACKOFFICE_CARRIERS__RETRY_BASE_MS: '600000',
      BACKOFFICE_CARRIERS__RETRY_MAX_MS: '600000',
    },
  });
  smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
  const submit = (destination, text) =>
    smpp.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '12065550100',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: destination,
      registered_delivery: 1,
      priority_flag: 2,
      short_message: text,
    });
  sent.first = await submit('14255550121', 'Cancel me from the UI');
  sent.second = await submit('14255550122', 'Cancelled behind the UI’s back');
  sent.third = await submit('15035550123', 'Seen by finance');
  for (const id of Object.values(sent)) {
    assert.equal((await server.graphql(STATUS, { id })).data.message.status, 'ACCEPTED');
  }

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('cancelling a message', () => {
  it('cancels a queued message after a confirmation', async () => {
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.goto(`${server.baseUrl}/messages/${sent.first}`);
    await page.getByTestId('message-detail-status').getByText('Accepted').waitFor();
    // Queued: no carrier has it, so no connector, carrier id or sent time yet.
    assert.equal(await page.getByTestId('message-detail-carrier').innerText(), 'TMOBILE');
    assert.equal(await page.getByTestId('message-detail-priority').innerText(), '2');
    assert.equal(await page.getByTestId('message-detail-connector').innerText(), '—');
    assert.equal(await page.getByTestId('message-detail-sent-at').innerText(), '—');
    assert.match(await page.getByTestId('message-detail-expires-at').innerText(), /UTC$/);
    const steps = page.getByTestId('status-history').getByTestId('history-step');
    assert.equal(await steps.count(), 1);

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this message?' });
    await dialog.getByText(sent.first).waitFor();
    // The dialog fades in: the screenshot waits for it to be opaque.
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await screenshot(page, '13-message-cancel');
    await dialog.getByRole('button', { name: 'Cancel message' }).click();
    await page.locator('.mantine-Notifications-root').getByText(`Message ${sent.first} will not be sent.`).waitFor();
    await page.getByTestId('message-detail-status').getByText('Cancelled').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel', exact: true }).count(), 0);
    await steps.nth(1).waitFor();
    assert.match(await steps.nth(1).innerText(), /Cancelled[\s\S]*now/i);
    assert.equal((await server.graphql(STATUS, { id: sent.first })).data.message.status, 'CANCELLED');
  });

  it('shows the API’s CONFLICT when the message is no longer cancellable', async () => {
    await page.goto(`${server.baseUrl}/messages/${sent.second}`);
    await page.getByTestId('message-detail-status').getByText('Accepted').waitFor();
    // Someone else cancels it while the page still shows it queued.
    const other = await server.graphql('mutation($id: ID!) { cancelMessage(id: $id) { status } }', { id: sent.second });
    assert.equal(other.data.cancelMessage.status, 'CANCELLED');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('dialog', { name: 'Cancel this message?' }).getByRole('button', { name: 'Cancel message' }).click();
    const note = page.locator('.mantine-Notifications-root');
    await note.getByText('Not cancelled').waitFor();
    await note.getByText(/Conflict: the message is Cancelled/).waitFor();
    await page.getByTestId('message-detail-status').getByText('Cancelled').waitFor();
  });

  it('offers no cancel to other roles', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const created = await server.graphql('mutation { createApiKey(input: { name: "e2e finance", role: FINANCE }) { secret } }');
    await signIn(page, server.baseUrl, created.data.createApiKey.secret);
    await page.getByTestId('role-badge').getByText('Finance').waitFor();
    await page.goto(`${server.baseUrl}/messages/${sent.third}`);
    await page.getByTestId('message-detail-status').getByText('Accepted').waitFor();
    assert.equal(await page.getByTestId('message-detail-carrier').innerText(), 'VERIZON');
    assert.equal(await page.getByRole('button', { name: 'Cancel', exact: true }).count(), 0);
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
