// Browser tests of the invoice pages: the demo customer sends a few SMS over SMPP (the npm
// package `smpp`), an admin runs the current month, opens the draft and its records, issues
// it (numbered, emailed), downloads its PDF with the session's key and credits part of it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
let smpp;
const errors = [];
const sent = [];
let invoiceId;
let number;

const INVOICE = `query($id: ID!) {
  invoice(id: $id) { id state number total balance currency emails { recipient outcome } creditNotes { number amount reason } }
}`;

/** The UI's money format: the API's decimal string, trailing zeros dropped, at least 2 places. */
function money(amount, currency) {
  const [whole, frac = ''] = amount.split('.');
  const digits = frac.replace(/0+$/, '').padEnd(2, '0');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits}${currency ? ` ${currency}` : ''}`;
}

/** A decimal string in hundredths, exactly (the invoices' currency has 2 places). */
function cents(amount) {
  const [whole, frac = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2));
}

/** The error Mantine shows under an input, through the input's aria-describedby. */
async function fieldError(input) {
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  for (const id of ids.split(/\s+/).filter(Boolean)) {
    const el = page.locator(`[id="${id}"]`);
    if ((await el.count()) > 0 && (await el.getAttribute('class'))?.includes('error')) return el.innerText();
  }
  return null;
}

before(async () => {
  server = await startServer();
  smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
  for (const [destination, text] of [
    ['14255550123', 'Your Demo Co order 4815 has shipped'],
    ['14255550124', 'Your code is 5512'],
    ['14255550125', 'See you on Tuesday'],
  ]) {
    sent.push(
      await smpp.submit({
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: '12065550100',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: destination,
        registered_delivery: 1,
        short_message: text,
      }),
    );
  }
  for (const id of sent) assert.match(await smpp.receipt(id), /stat:DELIVRD/);

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('invoice pages', () => {
  it('runs the current month for Demo Co and lists its draft', async () => {
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Invoices/ }).click();
    await page.waitForURL('**/invoices');
    await page.getByTestId('invoices-empty').waitFor();

    // The period starts at the current UTC month; a malformed one is refused before it is sent.
    const period = new Date().toISOString().slice(0, 7);
    const periodInput = page.getByTestId('run-period');
    assert.equal(await periodInput.inputValue(), period);
    await periodInput.fill('2026-13');
    await page.getByTestId('run-invoices').click();
    assert.match(await fieldError(periodInput), /YYYY-MM/);
    await periodInput.fill(period);

    await page.getByTestId('run-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.getByTestId('run-invoices').click();
    const result = page.getByTestId('run-result');
    await result.waitFor();
    assert.equal(await result.getByTestId('run-status').innerText(), 'done');
    const rows = result.getByTestId('run-invoices-table').locator('tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.innerText(), /Draft · Demo Co/);
    invoiceId = (await rows.getAttribute('data-testid')).replace('run-invoice-', '');

    // The list shows the draft, and the state filter lives in the address bar.
    const row = page.getByTestId('invoices-table').getByTestId(`invoice-${invoiceId}`);
    await row.waitFor();
    assert.equal(await row.getByTestId('invoice-number').innerText(), 'Draft');
    assert.equal(await row.getByTestId('invoice-state').textContent(), 'Draft');
    const stored = (await server.graphql(INVOICE, { id: invoiceId })).data.invoice;
    assert.equal(await row.getByTestId('invoice-total').innerText(), money(stored.total, stored.currency));
    await page.getByTestId('invoices-state').click();
    await page.getByRole('option', { name: 'Issued' }).click();
    await page.waitForURL(/state=ISSUED/);
    await row.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor();
    await page.locator('[data-testid="invoices-table"][aria-busy="false"]').waitFor();
    await screenshot(page, '18-invoices-run');
  });

  it('opens the draft: lines by section, a line’s records and their CSV', async () => {
    await page.getByTestId('run-result').getByRole('link', { name: /Draft · Demo Co/ }).click();
    await page.waitForURL(`**/invoices/${invoiceId}`);
    await page.getByRole('heading', { name: 'Draft invoice' }).waitFor();
    assert.equal(await page.getByTestId('invoice-detail-state').textContent(), 'Draft');
    assert.match(await page.getByTestId('invoice-tax-note').innerText(), /exclude taxes/);
    const messages = page.getByTestId('section-messages');
    await messages.waitFor();
    const line = messages.getByTestId('invoice-line').first();
    assert.match(await line.innerText(), /SMS/);
    await line.getByTestId('line-toggle').click();
    const records = messages.getByTestId('line-records');
    await records.getByTestId('line-record').first().waitFor();
    const ids = await records.getByTestId('line-record').locator('a').allInnerTexts();
    assert.ok(ids.length >= 1 && ids.every((id) => sent.includes(id)), `${ids} among ${sent}`);

    const [download] = await Promise.all([page.waitForEvent('download'), records.getByTestId('line-records-csv').click()]);
    assert.match(download.suggestedFilename(), /^draft-\d+-\d{4}-\d{2}-line-\d+\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    for (const id of ids) assert.ok(csv.includes(id), `${id} in the records CSV`);
    await screenshot(page, '19-invoice-draft');
  });

  it('issues the draft after confirmation: numbered and emailed', async () => {
    await page.getByTestId('invoice-issue').click();
    const dialog = page.getByRole('dialog', { name: 'Issue this invoice?' });
    await dialog.waitFor();
    await dialog.getByTestId('confirm-issue').click();
    await dialog.waitFor({ state: 'detached' });
    const heading = page.getByRole('heading', { name: /^Invoice INV-\d{4}-\d{6}$/ });
    await heading.waitFor();
    number = (await heading.innerText()).replace('Invoice ', '');
    const stored = (await server.graphql(INVOICE, { id: invoiceId })).data.invoice;
    assert.equal(stored.state, 'ISSUED');
    assert.equal(stored.number, number);
    assert.equal(await page.getByTestId('invoice-detail-number').innerText(), number);
    assert.equal(await page.getByTestId('invoice-detail-state').textContent(), 'Issued');
    assert.notEqual(await page.getByTestId('invoice-detail-issued').innerText(), 'Not yet');
    assert.equal(await page.getByTestId('invoice-issue').count(), 0);
    const email = page.getByTestId('emails').getByTestId('email');
    await email.waitFor();
    assert.equal(await email.getByTestId('email-recipient').innerText(), stored.emails[0].recipient);
    assert.equal(await email.getByTestId('email-outcome').textContent(), 'sent');
  });

  it('downloads the PDF with the session’s key', async () => {
    // A plain request, without the key, is refused: the button must send it.
    assert.equal((await fetch(`${server.baseUrl}/invoices/${invoiceId}.pdf`)).status, 401);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    assert.equal(download.suggestedFilename(), `${number}.pdf`);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    await screenshot(page, '20-invoice-issued');
  });

  it('makes a partial credit note: field errors first, then the balance drops', async () => {
    const before = (await server.graphql(INVOICE, { id: invoiceId })).data.invoice;
    assert.ok(cents(before.total) > 1n, `a total above 0.01: ${before.total}`);
    await page.getByTestId('invoice-credit').click();
    const dialog = page.getByRole('dialog', { name: 'Credit note' });
    await dialog.waitFor();

    // Checked in the page: a reason and an amount are required.
    await dialog.getByTestId('confirm-credit').click();
    assert.match(await fieldError(dialog.getByTestId('credit-reason')), /Give a reason/);
    assert.match(await fieldError(dialog.getByTestId('credit-amount')), /Enter the amount/);

    // Checked by the service: more decimal places than the currency has, shown under the field.
    await dialog.getByTestId('credit-reason').fill('Test traffic credited back');
    await dialog.getByTestId('credit-amount').fill('0.001');
    await dialog.getByTestId('confirm-credit').click();
    assert.match(await fieldError(dialog.getByTestId('credit-amount')), /decimal places/);
    await page.evaluate(() => Promise.allSettled(document.getAnimations().map((a) => a.finished)));
    await screenshot(page, '21-credit-note-errors');

    await dialog.getByTestId('credit-amount').fill('0.01');
    await dialog.getByTestId('confirm-credit').click();
    await dialog.waitFor({ state: 'detached' });
    const note = page.getByTestId('credit-notes').getByTestId('credit-note');
    await note.waitFor();
    assert.match(await note.innerText(), /Test traffic credited back/);
    assert.equal(await note.getByTestId('credit-note-amount').innerText(), `−0.01 ${before.currency}`);

    const after = (await server.graphql(INVOICE, { id: invoiceId })).data.invoice;
    assert.equal(cents(after.balance), cents(before.balance) - 1n);
    assert.equal(after.state, 'ISSUED');
    await page.getByTestId('invoice-detail-balance').getByText(money(after.balance, after.currency)).waitFor();
    assert.equal(await page.getByTestId('invoice-detail-total').innerText(), money(before.total, before.currency));
    await screenshot(page, '22-invoice-credited');
  });

  it('shows a customer key its issued invoice, read-only', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const created = await server.graphql(
      'mutation { createApiKey(input: { name: "e2e invoices", role: CUSTOMER, customerId: "1" }) { secret } }',
    );
    await signIn(page, server.baseUrl, created.data.createApiKey.secret);
    await page.getByTestId('role-badge').getByText('Customer').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Invoices/ }).click();
    await page.waitForURL('**/invoices');
    const row = page.getByTestId('invoices-table').getByTestId(`invoice-${invoiceId}`);
    await row.waitFor();
    assert.equal(await row.getByTestId('invoice-number').innerText(), number);
    // No run form, no customer picker.
    assert.equal(await page.getByTestId('run-invoices').count(), 0);
    assert.equal(await page.getByTestId('invoices-customer').count(), 0);
    await row.getByTestId('invoice-number').click();
    await page.getByRole('heading', { name: `Invoice ${number}` }).waitFor();
    await page.getByTestId('credit-notes').getByTestId('credit-note').waitFor();
    assert.equal(await page.getByTestId('invoice-issue').count(), 0);
    assert.equal(await page.getByTestId('invoice-credit').count(), 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
    assert.equal(download.suggestedFilename(), `${number}.pdf`);
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
