// Browser tests of the finance and forecast pages: a finance key changes a rate, has a bad
// rates CSV refused by line and column, exports the card's CSV; a run's draft shows beside
// the previous month on the invoices page and in the revenue chart; an account manager
// revises a short code's forecast and sees the new revision.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
const errors = [];
const keys = {};
let card;

const CARDS = '{ rateCards { id name customerId rates { messageKind direction numberKind jurisdiction unitPrice } } }';

function nav() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

before(async () => {
  server = await startServer();
  for (const role of ['FINANCE', 'ACCOUNT_MANAGER']) {
    const r = await server.graphql(`mutation { createApiKey(input: { name: "e2e ${role}", role: ${role} }) { secret } }`);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    keys[role] = r.data.createApiKey.secret;
  }
  card = (await server.graphql(CARDS)).data.rateCards.find((c) => c.customerId);
  // One SMS this month, invoiced by a run: a draft with a total.
  const smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
  const id = await smpp.submit({
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '12065550100',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    registered_delivery: 1,
    destination_addr: '14255550150',
    short_message: 'Your code is 2468',
  });
  await smpp.receipt(id);
  await smpp.close();
  const period = new Date().toISOString().slice(0, 7);
  const run = await server.graphql('mutation($p: String!) { runInvoices(period: $p) { invoices { id total } } }', { p: period });
  assert.equal(run.errors, undefined, JSON.stringify(run.errors));

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('finance pages', () => {
  it('changes a rate on a customer’s card', async () => {
    await signIn(page, server.baseUrl, keys.FINANCE);
    await page.getByTestId('role-badge').getByText('Finance').waitFor();
    await nav().getByRole('link', { name: /^Rate cards & fees/ }).click();
    await page.getByTestId(`card-${card.id}`).getByRole('button', { name: card.name }).click();
    await page.waitForURL(new RegExp(`card=${card.id}`));
    const panel = page.getByTestId('card-panel');
    await panel.getByRole('heading', { name: card.name }).waitFor();
    assert.match(await page.getByTestId(`card-${card.id}`).getByTestId('card-period').innerText(), /01 Jan 2026 – /);
    const row = panel.getByTestId('rate-SMS-MT-LONG_CODE-US');
    await row.getByRole('button', { name: /Change the price of SMS MT Long code US/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Change a price' });
    await dialog.getByTestId('rate-unit-price').fill('0.1234567');
    await dialog.getByRole('button', { name: 'Save rate' }).click();
    await dialog.getByText(/at most 6 places/).waitFor();
    await dialog.getByTestId('rate-unit-price').fill('0.0071');
    await dialog.getByRole('button', { name: 'Save rate' }).click();
    await row.getByTestId('rate-price').getByText('0.0071 USD').waitFor();
    const stored = (await server.graphql(CARDS)).data.rateCards.find((c) => c.id === card.id);
    assert.equal(
      stored.rates.find((r) => r.messageKind === 'SMS' && r.direction === 'MT' && r.numberKind === 'LONG_CODE' && r.jurisdiction === 'US').unitPrice,
      '0.007100',
    );
    await screenshot(page, '30-rate-cards');
  });

  it('refuses a rates CSV with a bad cell by line, and exports the card as CSV', async () => {
    const panel = page.getByTestId('card-panel');
    await panel.getByTestId('import-rates').click();
    const dialog = page.getByRole('dialog', { name: `Import rates into ${card.name}` });
    await dialog.getByTestId('import-csv').fill('message_kind,direction,number_kind,jurisdiction,unit_price\nsms,mt,long_code,FR,0.05\nsms,mt,long_code,DE,cheap');
    await dialog.getByTestId('confirm-import').click();
    await dialog.getByText(/line 3/).waitFor();
    await screenshot(page, '31-rates-import-error');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const download = page.waitForEvent('download');
    await panel.getByTestId('export-rates').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^rates-demo-co-2026\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    assert.match(csv, /^message_kind,direction,number_kind,jurisdiction,unit_price/);
    assert.match(csv, /sms,mt,long_code,US,0\.0071/);
    // All or nothing: the good row of the refused file is not there.
    assert.doesNotMatch(csv, /,FR,/);
  });

  it('shows the run’s draft with its total and no month before, and charts it as revenue', async () => {
    await nav().getByRole('link', { name: /^Invoices/ }).click();
    const drafts = page.getByTestId('drafts-panel');
    await drafts.getByTestId('drafts-table').waitFor();
    const period = new Date().toISOString().slice(0, 7);
    const row = drafts.getByTestId(`draft-1-${period}`);
    assert.match(await row.getByTestId('draft-total').innerText(), /USD$/);
    assert.equal(await row.getByTestId('draft-change').innerText(), 'no invoice before');
    await screenshot(page, '32-invoice-drafts');

    await nav().getByRole('link', { name: /^Revenue/ }).click();
    await page.getByTestId('revenue-by-customer').locator('svg.recharts-surface').first().waitFor();
    await page.getByTestId('revenue-by-kind').locator('svg.recharts-surface').first().waitFor();
    const month = page.getByTestId(`revenue-${period}`);
    assert.notEqual(await month.getByTestId('revenue-total').innerText(), '0.00 USD');
    // Without drafts nothing is invoiced yet.
    await page.getByTestId('revenue-drafts').click({ force: true });
    await page.getByTestId('revenue-by-customer-empty').waitFor();
    assert.equal(await month.getByTestId('revenue-total').innerText(), '0.00 USD');
    await page.getByTestId('revenue-drafts').click({ force: true });
    await page.getByTestId('revenue-by-customer').locator('svg.recharts-surface').first().waitFor();
    await screenshot(page, '33-revenue');
  });

  it('lets an account manager revise a short code’s forecast', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, server.baseUrl, keys.ACCOUNT_MANAGER);
    await page.getByTestId('role-badge').getByText('Account manager').waitFor();
    await nav().getByRole('link', { name: /^Forecasts/ }).click();
    await page.getByTestId('forecast-summary').waitFor();
    assert.match(await page.getByTestId('forecast-expected').innerText(), /30,000 messages/);
    await page.getByTestId('forecast-hourly').locator('svg.recharts-surface').first().waitFor();
    await page.getByTestId('revision-1').waitFor();

    await page.getByTestId('forecast-expected-input').fill('45000');
    await page.getByLabel('05:00').fill('9');
    await page.getByTestId('submit-forecast').click();
    await page.getByTestId('forecast-pattern-error').getByText(/add up to/).waitFor();
    await page.getByTestId('forecast-preset').click();
    await page.getByRole('option', { name: /Business hours/ }).click();
    await page.getByTestId('forecast-pattern-sum').getByText('total 100 %').waitFor();
    await page.getByTestId('submit-forecast').click();
    await page.getByTestId('revision-2').waitFor();
    assert.match(await page.getByTestId('forecast-expected').innerText(), /45,000 messages/);
    await screenshot(page, '34-forecasts');
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
