// Browser test of the delivery analytics page: messages to two carriers go in over SMPP with an
// independent client (the npm package `smpp`), and once their receipts are back the page must
// chart them and count them per carrier as the API does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
let smpp;
const errors = [];

// 171 GSM characters: two fragments.
const LONG_TEXT =
  'Your Demo Co order 4815 has shipped and will arrive on Tuesday between 9 and 12. ' +
  'Track it in the app or reply HELP for help. Thanks for shopping with Demo Co, see you soon';

const STATS = `query($filter: DeliveryStatsFilter!) {
  deliveryStats(filter: $filter, groupBy: [CARRIER]) { carrierCode received fragments delivered undeliverable deliveredRatio deliveryP50Ms }
}`;

/** Today as the UI's default range ends it: the UTC day. */
const today = () => new Date().toISOString().slice(0, 10);

before(async () => {
  server = await startServer();
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
      short_message: text,
    });
  // T-Mobile (+1425555): three delivered, one of them in two fragments.
  const tmobile = [
    await submit('14255550121', 'Your code is 1111'),
    await submit('14255550122', 'Your code is 2222'),
    await submit('14255550123', LONG_TEXT),
  ];
  // Verizon (+1503555): one delivered, one undeliverable (under +1503555019 in the simulator).
  const verizon = [await submit('15035550123', 'Your code is 3333'), await submit('15035550199', 'Your code is 4444')];
  for (const id of tmobile) assert.match(await smpp.receipt(id), /stat:DELIVRD/);
  assert.match(await smpp.receipt(verizon[0]), /stat:DELIVRD/);
  assert.match(await smpp.receipt(verizon[1]), /stat:UNDELIV/);

  browser = await startBrowser();
  page = await browser.context.newPage();
  // Charts draw at once instead of animating (recharts follows the user's motion preference).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('delivery analytics', () => {
  it('charts the messages per day by status and carrier, and counts them per carrier', async () => {
    // What the API counts, for the figures the page must show.
    const stats = await server.graphql(STATS, { filter: { from: today(), to: today() } });
    assert.equal(stats.errors, undefined, JSON.stringify(stats.errors));
    const byCode = new Map(stats.data.deliveryStats.map((r) => [r.carrierCode, r]));
    assert.equal(byCode.get('TMOBILE')?.received, 3);
    assert.equal(byCode.get('VERIZON')?.received, 2);

    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Analytics/ }).click();
    await page.waitForURL('**/analytics');
    await page.getByRole('heading', { name: 'Delivery analytics' }).waitFor();

    // The default range: the last 7 UTC days, today included.
    assert.equal(await page.getByTestId('analytics-to').inputValue(), today());
    const from = new Date(`${today()}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() - 6);
    assert.equal(await page.getByTestId('analytics-from').inputValue(), from.toISOString().slice(0, 10));

    // Each chart is a recharts drawing inside its chart container, with bars or lines in it.
    for (const chart of ['chart-status', 'chart-carriers', 'chart-latency']) {
      await page.getByTestId(chart).locator('svg.recharts-surface').first().waitFor();
    }
    assert.ok((await page.getByTestId('chart-status').locator('.recharts-bar-rectangle path').count()) > 0);
    assert.ok((await page.getByTestId('chart-carriers').locator('.recharts-line-curve').count()) >= 2);
    const legend = await page.getByTestId('chart-status').innerText();
    for (const status of ['Delivered', 'Undeliverable', 'Expired', 'Rejected', 'Cancelled', 'In flight']) {
      assert.ok(legend.includes(status), `${status} in the status chart's legend: ${legend}`);
    }
    const carrierLegend = await page.getByTestId('chart-carriers').innerText();
    assert.ok(carrierLegend.includes('TMOBILE') && carrierLegend.includes('VERIZON'), carrierLegend);

    // The totals and the per-carrier table.
    assert.equal(await page.getByTestId('analytics-received').innerText(), '5');
    assert.equal(await page.getByTestId('analytics-fragments').innerText(), '6');
    assert.equal(await page.getByTestId('analytics-delivered-ratio').innerText(), '80%');
    const table = page.getByTestId('carrier-table');
    const tmobile = table.getByTestId('carrier-row-TMOBILE');
    const verizon = table.getByTestId('carrier-row-VERIZON');
    assert.equal(await tmobile.getByTestId('carrier-received').innerText(), '3');
    assert.equal(await verizon.getByTestId('carrier-received').innerText(), '2');
    assert.equal(await tmobile.getByTestId('carrier-fragments').innerText(), '4');
    assert.equal(await tmobile.getByTestId('carrier-ratio').innerText(), '100%');
    assert.equal(await verizon.getByTestId('carrier-ratio').innerText(), '50%');
    assert.equal(await verizon.getByTestId('carrier-not-delivered').innerText(), '1');
    assert.match(await tmobile.getByTestId('carrier-p50').innerText(), /^\d+(\.\d)? (ms|s)$/);
    assert.match(await tmobile.getByTestId('carrier-p95').innerText(), /^\d+(\.\d)? (ms|s)$/);
    assert.match(await tmobile.innerText(), /T-Mobile/);
    // The carriers, busiest first.
    const order = await table.getByTestId('carrier-label').allInnerTexts();
    assert.deepEqual(order.slice(0, 2), ['TMOBILE', 'VERIZON']);
    await page.locator('[data-testid="analytics"][aria-busy="false"]').waitFor();
    await screenshot(page, '12-analytics');
  });

  it('filters by customer, direction and range, and keeps the filters in the address bar', async () => {
    const table = page.getByTestId('carrier-table');
    await page.getByTestId('analytics-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.waitForURL(/customer=\d+/);
    await table.getByTestId('carrier-row-TMOBILE').getByTestId('carrier-received').getByText('3').waitFor();

    // Every message here is MT: MO has none.
    await page.getByRole('radiogroup', { name: 'Direction' }).locator('label', { hasText: /^MO$/ }).click();
    await page.waitForURL(/direction=MO/);
    await page.getByTestId('analytics-empty').getByText(/No messages were submitted in this range/).waitFor();
    await page.reload();
    await page.getByTestId('analytics-empty').waitFor();
    await page.getByRole('radiogroup', { name: 'Direction' }).locator('label', { hasText: /^All$/ }).click();
    await table.getByTestId('carrier-row-VERIZON').waitFor();

    // A reversed range is refused before it is sent; a range in the past holds nothing.
    await page.getByTestId('analytics-from').fill('2020-01-07');
    await page.getByTestId('analytics-to').fill('2020-01-01');
    await page.getByText('The end date is before the start date.').waitFor();
    await page.getByTestId('analytics-to').fill('2020-01-31');
    await page.waitForURL(/from=2020-01-07&to=2020-01-31/);
    await page.getByTestId('analytics-empty').getByText(/No messages were submitted/).waitFor();
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await table.getByTestId('carrier-row-TMOBILE').waitFor();
    assert.doesNotMatch(page.url(), /from=/);
  });

  it('shows a customer key its own traffic, without the customer filter', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const created = await server.graphql(
      'mutation { createApiKey(input: { name: "e2e analytics", role: CUSTOMER, customerId: "1" }) { secret } }',
    );
    await signIn(page, server.baseUrl, created.data.createApiKey.secret);
    await page.getByTestId('role-badge').getByText('Customer').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Analytics/ }).click();
    await page.getByTestId('carrier-table').getByTestId('carrier-row-VERIZON').getByTestId('carrier-received').getByText('2').waitFor();
    assert.equal(await page.getByTestId('analytics-customer').count(), 0);
    await page.getByTestId('chart-status').locator('svg.recharts-surface').first().waitFor();
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
