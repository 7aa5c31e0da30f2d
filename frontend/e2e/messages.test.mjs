// Browser tests of the Messages pages: messages go in over SMPP with an independent client (the
// npm package `smpp`), and the UI must show what the service stored for them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
let smpp;
const errors = [];

// 171 GSM characters: over 160, so two fragments of at most 153.
const LONG_TEXT =
  'Your Demo Co order 4815 has shipped and will arrive on Tuesday between 9 and 12. ' +
  'Track it in the app or reply HELP for help. Thanks for shopping with Demo Co, see you soon';
const sent = {};

const MESSAGE = `query($id: ID!) {
  message(id: $id) { id messageId status fragmentCount submittedAt charge { amount currency } charges { kind quantity unitPrice amount } }
}`;

/** The UI's money format: the API's decimal string, trailing zeros dropped, at least 2 places. */
function money(amount, currency) {
  const [whole, frac = ''] = amount.split('.');
  const digits = frac.replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${digits}${currency ? ` ${currency}` : ''}`;
}

before(async () => {
  server = await startServer();
  smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
  const submit = (params) =>
    smpp.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '12065550100',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      registered_delivery: 1,
      ...params,
    });
  // Delivered: T-Mobile's prefix; two fragments.
  sent.long = await submit({ destination_addr: '14255550123', short_message: LONG_TEXT });
  // Undeliverable: the simulator fails destinations under +1503555019.
  sent.undeliverable = await submit({ destination_addr: '15035550199', short_message: 'Your code is 1234' });
  // Rejected at admission: an alphanumeric sender ID may not send to the US.
  sent.rejected = await submit({
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: 'DEMOCO',
    destination_addr: '14255550124',
    short_message: 'Alphanumeric to the US',
  });
  // Every one gets its receipt once final (registered_delivery 1), so the UI sees final states.
  assert.match(await smpp.receipt(sent.long), /stat:DELIVRD/);
  assert.match(await smpp.receipt(sent.undeliverable), /stat:UNDELIV err:001/);
  assert.match(await smpp.receipt(sent.rejected), /stat:REJECTD/);

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('messages pages', () => {
  it('lists the message submitted over SMPP with its fragment count and charge', async () => {
    const stored = (await server.graphql(MESSAGE, { id: sent.long })).data.message;
    assert.equal(stored.fragmentCount, 2);

    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Messages/ }).click();
    await page.waitForURL('**/messages');
    const table = page.getByTestId('messages-table');
    const row = table.getByTestId(`message-${sent.long}`);
    await row.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 3);
    assert.equal(await row.getByTestId('message-fragments').innerText(), '2');
    assert.equal(await row.getByTestId('message-charge').innerText(), money(stored.charge.amount, stored.charge.currency));
    assert.equal(await row.getByTestId('message-status').textContent(), 'Delivered');
    const text = await row.innerText();
    for (const part of ['+12065550100', '+14255550123', 'TMOBILE', 'GSM-7', 'Demo Co', 'MT']) {
      assert.ok(text.includes(part), `${part} in ${text}`);
    }
    assert.equal(
      await table.getByTestId(`message-${sent.rejected}`).getByTestId('message-status').textContent(),
      'Rejected',
    );
    await page.locator('[data-testid="messages-table"][aria-busy="false"]').waitFor();
    await screenshot(page, '09-messages');
  });

  it('filters by status, number and day, and keeps the filters in the address bar', async () => {
    const table = page.getByTestId('messages-table');
    await page.getByTestId('messages-status').click();
    await page.getByRole('option', { name: 'Undeliverable' }).click();
    await page.waitForURL(/status=UNDELIVERABLE/);
    await table.getByTestId(`message-${sent.long}`).waitFor({ state: 'detached' });
    assert.equal(await table.locator('tbody tr').count(), 1);
    await table.getByTestId(`message-${sent.undeliverable}`).waitFor();

    // A reload (or a shared link) shows the same filtered view.
    await page.reload();
    await table.getByTestId(`message-${sent.undeliverable}`).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await table.getByTestId(`message-${sent.long}`).waitFor();

    // The number as SMPP sends it (no +) finds the long code; the alphanumeric ID's rejected
    // message is not among its messages.
    const number = page.getByTestId('messages-number');
    await number.fill('12065550100');
    await number.press('Enter');
    await page.waitForURL(/number=12065550100/);
    await table.getByTestId(`message-${sent.rejected}`).waitFor({ state: 'detached' });
    assert.equal(await table.locator('tbody tr').count(), 2);
    await number.fill('55501');
    await number.press('Enter');
    await page.getByTestId('messages-empty').getByText('No messages match these filters.').waitFor();
    await number.fill('+19995550000');
    await number.press('Enter');
    await page.getByTestId('messages-empty').getByText(/No number or sender ID “\+19995550000” is on file/).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // The UTC days the messages were submitted on hold them all; the day after holds none.
    const days = [];
    for (const id of Object.values(sent)) {
      days.push((await server.graphql(MESSAGE, { id })).data.message.submittedAt.slice(0, 10));
    }
    days.sort();
    const [first, last] = [days[0], days[days.length - 1]];
    const next = new Date(`${last}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    await page.getByTestId('messages-from').fill(first);
    await page.getByTestId('messages-to').fill(last);
    await page.waitForURL(new RegExp(`from=${first}&to=${last}`));
    await table.getByTestId(`message-${sent.long}`).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 3);
    await page.getByTestId('messages-to').fill('');
    await page.getByTestId('messages-from').fill(next.toISOString().slice(0, 10));
    await page.getByTestId('messages-empty').getByText('No messages match these filters.').waitFor();

    // Direction: every message here is MT.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('radiogroup', { name: 'Direction' }).locator('label', { hasText: /^MO$/ }).click();
    await page.getByTestId('messages-empty').waitFor();
    await page.getByRole('radiogroup', { name: 'Direction' }).locator('label', { hasText: /^MT$/ }).click();
    await table.getByTestId(`message-${sent.long}`).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/messages$/);
  });

  it('opens a message: its fragments, charge lines and status history', async () => {
    const stored = (await server.graphql(MESSAGE, { id: sent.long })).data.message;
    await page.getByTestId('messages-table').getByRole('link', { name: sent.long }).click();
    await page.waitForURL(`**/messages/${stored.id}`);
    await page.getByRole('heading', { name: `Message ${sent.long}` }).waitFor();
    assert.equal(await page.getByTestId('message-detail-status').textContent(), 'Delivered');
    assert.equal(await page.getByTestId('message-detail-fragment-count').innerText(), '2');
    assert.equal(await page.getByTestId('message-detail-encoding').innerText(), 'GSM-7');

    // The charge and its lines: Demo Co's card per fragment plus T-Mobile's 0.0030 per fragment.
    const charges = page.getByTestId('message-charges');
    assert.equal(await page.getByTestId('message-detail-charge').innerText(), money(stored.charge.amount, stored.charge.currency));
    const lines = charges.getByTestId('charge-line');
    assert.equal(await lines.count(), 2);
    const usage = stored.charges.find((c) => c.kind === 'usage');
    assert.match(
      await lines.nth(0).innerText(),
      new RegExp(`Usage \\(rate card\\)\\s+2\\s+${money(usage.unitPrice)}\\s+${money(usage.amount)}`),
    );
    assert.match(await lines.nth(1).innerText(), /Carrier fee \(pass-through\)\s+2\s+0\.003\s+0\.006/);

    // The body, cut where the gateway cuts it: 153 septets, then the rest.
    const fragments = page.getByTestId('message-fragment');
    await fragments.nth(1).waitFor();
    assert.equal(await fragments.count(), 2);
    assert.match(await fragments.nth(0).innerText(), /Fragment 1 of 2[\s\S]*153 \/ 153 septets/);
    assert.match(await fragments.nth(1).innerText(), /Fragment 2 of 2[\s\S]*18 \/ 153 septets/);
    const shown = (await fragments.locator('[style*="pre-wrap"]').allInnerTexts()).join('');
    assert.equal(shown, LONG_TEXT);

    // What the carrier connection recorded: the carrier, the connector and its own id.
    assert.equal(await page.getByTestId('message-detail-carrier').innerText(), 'TMOBILE');
    assert.equal(await page.getByTestId('message-detail-connector').innerText(), 'simulator');
    assert.notEqual(await page.getByTestId('message-detail-carrier-message-id').innerText(), '—');
    assert.equal(await page.getByTestId('message-detail-priority').innerText(), '0 (lowest)');
    assert.match(await page.getByTestId('message-detail-sent-at').innerText(), /UTC/);
    assert.match(await page.getByTestId('message-detail-expires-at').innerText(), /UTC$/);

    // Accepted at submission, en route when the carrier acknowledged it, delivered when done.
    const steps = page.getByTestId('status-history').getByTestId('history-step');
    assert.equal(await steps.count(), 3);
    assert.match(await steps.nth(0).innerText(), /Accepted/);
    assert.match(await steps.nth(1).innerText(), /Enroute[\s\S]*UTC[\s\S]*Acknowledged by the carrier/);
    assert.match(await steps.nth(2).innerText(), /Delivered[\s\S]*now/i);
    await screenshot(page, '10-message-detail');
  });

  it('shows why a message was rejected, and a failed delivery’s error code', async () => {
    await page.goto(`${server.baseUrl}/messages/${sent.rejected}`);
    await page.getByTestId('reject-reason').getByText(/may not send to the US or Canada/).waitFor();
    const steps = page.getByTestId('status-history').getByTestId('history-step');
    assert.equal(await steps.count(), 1);
    assert.match(await steps.nth(0).innerText(), /Rejected[\s\S]*Refused at admission/);
    await screenshot(page, '11-message-rejected');

    await page.goto(`${server.baseUrl}/messages/${sent.undeliverable}`);
    await page.getByTestId('message-detail-status').getByText('Undeliverable').waitFor();
    assert.equal(await page.getByTestId('message-detail-error-code').innerText(), '001');
    assert.match(await page.getByTestId('status-history').innerText(), /error 001/);

    // An id the service does not know is its NOT_FOUND, shown as such.
    await page.goto(`${server.baseUrl}/messages/no-such-message`);
    await page.getByRole('alert').getByText(/Not found/).waitFor();
  });

  it('pages through the messages with the cursors it was given', async () => {
    for (let i = 1; i <= 10; i++) {
      await smpp.submit({
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: '12065550100',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '14255550123',
        short_message: `Paging test ${i}`,
      });
    }
    await page.goto(`${server.baseUrl}/messages?size=10`);
    const table = page.getByTestId('messages-table');
    const rows = table.locator('tbody tr');
    await page.getByTestId('page-range').getByText('1–10 · page 1').waitFor();
    assert.equal(await rows.count(), 10);
    const newest = await rows.first().getAttribute('data-testid');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('page-range').getByText('11–13 · page 2').waitFor();
    assert.equal(await rows.count(), 3);
    // The oldest message, the first one submitted, ends the last page.
    assert.equal(await rows.last().getAttribute('data-testid'), `message-${sent.long}`);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('page-range').getByText('1–10 · page 1').waitFor();
    assert.equal(await rows.first().getAttribute('data-testid'), newest);
    // A change of page size starts again at the first page, and the address bar keeps it.
    await page.getByRole('combobox', { name: 'Rows per page' }).click();
    await page.getByRole('option', { name: '20' }).click();
    await page.getByTestId('page-range').getByText('1–13 · page 1').waitFor();
    assert.doesNotMatch(page.url(), /size=/);
  });

  it('shows a customer key its own messages, without the customer filter', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const created = await server.graphql(
      'mutation { createApiKey(input: { name: "e2e messages", role: CUSTOMER, customerId: "1" }) { secret } }',
    );
    await signIn(page, server.baseUrl, created.data.createApiKey.secret);
    await page.getByTestId('role-badge').getByText('Customer').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Messages/ }).click();
    await page.getByTestId('messages-table').getByTestId(`message-${sent.long}`).waitFor();
    assert.equal(await page.getByTestId('messages-customer').count(), 0);
    await page.getByTestId('page-range').getByText('1–13 · page 1').waitFor();
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
