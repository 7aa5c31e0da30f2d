// Browser tests of bulk sending and the account pages: an account manager (a key naming its
// manager, am@demo.example) uploads a spreadsheet with a bad row and three good ones, sees the
// bad row's reason in the preview, sends the rest and watches the batch reach 100% (3 sent,
// 1 skipped), then downloads the results CSV with the session's key; the same manager finds
// Demo Co in their portfolio, with their email in the header; an admin filters the portfolio
// by manager in the address bar and reads the settings, the admin token masked.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let page;
const errors = [];
let managerKey;
let batchId;

const CSV = [
  'destination,text,First Name',
  'not-a-number,Hello {{First Name}}: your order shipped.,Ann',
  '+14255550123,Hello {{First Name}}: your order shipped.,Bea',
  '+14255550126,Hello {{First Name}}: your order shipped.,Cal',
  '+15035550199,Hello {{First Name}}: your order shipped.,Dee',
  '',
].join('\n');

/** Waits until `read()` gives `expected` (or satisfies it); fails naming what it gave last. */
async function waitUntil(read, expected, timeout = 15_000) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read().catch((e) => `(${e.message.split('\n')[0]})`);
    if (typeof expected === 'function' ? expected(last) : last === expected) return last;
    if (Date.now() > until) assert.fail(`waited for ${expected}, last saw ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function text(locator) {
  return () => locator.textContent().then((t) => (t ?? '').trim());
}

function nav() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
}

before(async () => {
  server = await startServer();
  const key = await server.graphql(
    'mutation { createApiKey(input: { name: "e2e Demo Co manager", role: ACCOUNT_MANAGER, email: "am@demo.example" }) { secret } }',
  );
  assert.equal(key.errors, undefined, JSON.stringify(key.errors));
  managerKey = key.data.createApiKey.secret;
  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('bulk sending', () => {
  it('previews a spreadsheet with a bad row, sends the good rows and watches the batch finish', async () => {
    await signIn(page, server.baseUrl, managerKey);
    await page.getByTestId('role-badge').getByText('Account manager').waitFor();
    await nav().getByRole('link', { name: /^Bulk sending/ }).click();
    await page.waitForURL(/\/bulk-send$/);
    await page.getByTestId('batches-empty').waitFor();

    // A number is needed before anything is read.
    await page.getByTestId('bulk-preview').click();
    await page.getByText('Choose the number to send from.').waitFor();
    await page.getByText('Choose a spreadsheet.').waitFor();

    // Listening early: the browser intercepts the file dialog only once it is asked to.
    const chooser = page.waitForEvent('filechooser', { timeout: 30_000 });
    await page.getByTestId('bulk-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.getByTestId('bulk-from').click();
    await page.getByRole('option', { name: /^\+12065550100/ }).click();
    // The file from the keyboard: Enter on the field opens the file chooser.
    await page.getByTestId('bulk-file').focus();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'bulk-file');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('bulk-file').getByText('orders.csv').waitFor();
    await page.getByTestId('bulk-preview').click();

    const preview = page.getByTestId('bulk-preview-result');
    await preview.waitFor();
    assert.equal(await preview.getByTestId('preview-rows').innerText(), '4');
    assert.equal(await preview.getByTestId('preview-sendable').innerText(), '3');
    assert.equal(await preview.getByTestId('preview-fragments').innerText(), '3');
    assert.match(await preview.getByTestId('preview-price').innerText(), /^\d+\.\d{2,6} USD$/);
    assert.match(await preview.getByTestId('preview-merge-fields').innerText(), /\{\{firstname\}\}/);
    const bad = preview.getByTestId('failure-2');
    assert.match(await bad.innerText(), /not-a-number/);
    assert.match(await bad.innerText(), /destination/);
    assert.ok((await bad.getByTestId('failure-reason').innerText()).length > 3);
    assert.equal(await preview.getByTestId('preview-failures').locator('tbody tr').count(), 1);
    // The sample is the rows as they will be sent: merge fields filled in, GSM-7, one fragment each.
    const first = preview.getByTestId('sample-3');
    assert.match(await first.innerText(), /\+14255550123/);
    assert.match(await first.innerText(), /Hello Bea: your order shipped\./);
    assert.match(await first.innerText(), /GSM-7/);
    // Only rows that would be sent are sampled; the bad one is listed with the failures.
    assert.equal(await preview.getByTestId('sample-2').count(), 0);
    await screenshot(page, '50-bulk-preview');

    await preview.getByRole('button', { name: 'Send 3 rows' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send 3 rows?' });
    await dialog.getByTestId('confirm-send').waitFor();
    await screenshot(page, '51-bulk-send-confirm');
    await dialog.getByTestId('confirm-send').click();
    await page.waitForURL(/\/bulk-send\/\d+$/);
    batchId = /\/bulk-send\/(\d+)$/.exec(page.url())[1];

    // Polled every 2 s while sending, without a reload.
    await waitUntil(text(page.getByTestId('batch-progress')), '100% finished', 30_000);
    await waitUntil(text(page.getByTestId('batch-state')), 'Done');
    assert.equal(await page.getByTestId('count-SENT').getByTestId('count').innerText(), '3');
    assert.equal(await page.getByTestId('count-SKIPPED').getByTestId('count').innerText(), '1');
    assert.equal(await page.getByTestId('count-PENDING').getByTestId('count').innerText(), '0');
    assert.equal(await page.getByTestId('count-FAILED').getByTestId('count').innerText(), '0');
    assert.equal(await page.getByTestId('batch-cancel').count(), 0, 'no cancel once done');
    assert.match(await page.getByTestId('batch-statuses').innerText(), /: 3|: [12]/);
    await waitUntil(text(page.getByTestId('rows-table').getByTestId('row-5').getByTestId('row-state')), 'Sent');
    const stored = await server.graphql('query($id: ID!) { sendBatch(id: $id) { state progress counts { state count } } }', { id: batchId });
    assert.equal(stored.data.sendBatch.state, 'DONE');
    assert.equal(stored.data.sendBatch.progress, 1);
    await screenshot(page, '52-bulk-batch');

    // The skipped row, by the state filter kept in the address bar.
    await page.getByTestId('rows-state').click();
    await page.getByRole('option', { name: 'Skipped' }).click();
    await page.waitForURL(/[?&]state=SKIPPED/);
    await waitUntil(() => page.getByTestId('rows-table').locator('tbody tr').count(), 1);
    const skipped = page.getByTestId('row-2');
    assert.equal(await skipped.getByTestId('row-state').textContent(), 'Skipped');
    assert.match(await skipped.getByTestId('row-reason').innerText(), /destination/);

    // The results as CSV, fetched with the session's key.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-results').click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.equal(lines.length, 5, csv);
    assert.match(csv, /not-a-number/);
    assert.match(csv, /\+15035550199/);

    // The batch heads the recent batches.
    await page.getByRole('link', { name: 'Bulk sending' }).first().click();
    await page.waitForURL(/\/bulk-send$/);
    const row = page.getByTestId(`batch-${batchId}`);
    await row.waitFor();
    // The list may first show what was cached while the batch was sending, then refreshes.
    await waitUntil(() => row.innerText(), (t) => /Done/i.test(t));
    assert.match(await row.innerText(), /100%/);
    assert.match(await row.innerText(), /3 · 1 · 0/);
    await screenshot(page, '53-bulk-batches');
  });

  it('shows an account manager their customers, their email in the header', async () => {
    await nav().getByRole('link', { name: /^My customers/ }).click();
    await page.waitForURL(/\/my-customers$/);
    assert.equal(await page.getByTestId('manager-email').innerText(), 'am@demo.example');
    const table = page.getByTestId('portfolio-table');
    await table.getByRole('link', { name: 'Demo Co' }).waitFor();
    const demo = table.locator('tbody tr', { hasText: 'Demo Co' });
    // The batch's three messages are this month's fragments.
    assert.equal(await demo.getByTestId('portfolio-fragments').innerText(), '3');
    // 55502 has been silent for 75 days: highlighted.
    assert.equal(await demo.getByTestId('portfolio-silence').getAttribute('data-highlighted'), 'true');
    assert.match(await demo.getByTestId('portfolio-silence').innerText(), /75 days/);
    await screenshot(page, '54-my-customers');
    await table.getByRole('link', { name: 'Demo Co' }).click();
    await page.waitForURL(/\/customers\/\d+$/);
  });

  it('lets an admin filter the portfolio by manager and read the settings, secrets masked', async () => {
    await signOut();
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await nav().getByRole('link', { name: /^My customers/ }).click();
    await page.waitForURL(/\/my-customers$/);
    await page.getByTestId('portfolio-manager').click();
    await page.getByRole('option', { name: 'am@demo.example' }).click();
    await page.waitForURL(/[?&]manager=am%40demo\.example/);
    await page.getByTestId('portfolio-table').getByRole('link', { name: 'Demo Co' }).waitFor();
    await page.reload();
    await page.getByTestId('portfolio-table').getByRole('link', { name: 'Demo Co' }).waitFor();
    assert.equal(await page.getByTestId('portfolio-manager').inputValue(), 'am@demo.example');
    await screenshot(page, '55-my-customers-admin');

    await nav().getByRole('link', { name: /^Settings/ }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole('heading', { name: 'SMPP' }).waitFor();
    await page.getByRole('heading', { name: 'Mail' }).waitFor();
    const body = await page.locator('main').innerText();
    assert.doesNotMatch(body, new RegExp(server.adminToken), 'the admin token is masked');
    assert.ok((await page.getByText('masked').count()) >= 1, 'a masked secret is marked');
    // Nothing to edit.
    assert.equal(await page.locator('main').locator('input, textarea, button[type="submit"]').count(), 0);
    await screenshot(page, '56-settings');
    assert.deepEqual(errors, []);
  });
});
