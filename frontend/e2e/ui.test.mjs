// Browser tests of the web UI against the real service: node --test e2e/
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn as signInWith, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let page;
const errors = [];

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function signIn(key) {
  return signInWith(page, server.baseUrl, key);
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

/** A form input by its label (a required field's label ends with an asterisk). */
function field(label) {
  return page.getByLabel(new RegExp(`^${label}( \\*)?$`));
}

/** The error message Mantine shows under an input, through the input's aria-describedby. */
async function fieldError(label) {
  const input = field(label);
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  for (const id of ids.split(/\s+/).filter(Boolean)) {
    const el = page.locator(`[id="${id}"]`);
    if ((await el.count()) > 0 && (await el.getAttribute('class'))?.includes('error')) return el.innerText();
  }
  return null;
}

describe('web UI', () => {
  it('serves the embedded UI at / and at client-side routes, API routes still answer', async () => {
    for (const path of ['/', '/customers/1/numbers']) {
      const r = await fetch(`${server.baseUrl}${path}`);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<div id="root">/, `${path} must serve the built UI, not the "not built" page`);
    }
    assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    assert.equal((await fetch(`${server.baseUrl}/assets/missing-file.js`)).status, 404);
    const unknown = await fetch(`${server.baseUrl}/no-such-page`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /<div id="root">/);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    assert.match(metrics, /backoffice_http_requests_total/);
  });

  it('refuses a bad key with a visible error and keeps the user signed out', async () => {
    await signIn('not-a-real-key');
    const error = page.getByText('This API key is not valid, or it was revoked.');
    await error.waitFor();
    await screenshot(page, '01-sign-in-bad-key');
    assert.equal(await page.getByTestId('role-badge').count(), 0);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('backoffice.session')), null);
  });

  it('signs in with the admin token and shows the admin navigation', async () => {
    await signIn(server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.waitForURL('**/customers');
    await page.getByTestId('customers-table').getByRole('link', { name: 'Demo Co' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const item of ['Customers', 'Numbers & senders', 'Messages', 'Message preview', 'GraphQL explorer']) {
      assert.equal(await nav.getByText(item, { exact: true }).count(), 1, item);
    }
    await screenshot(page, '02-customers');
  });

  it('creates a customer, showing API validation errors next to their fields', async () => {
    await page.getByRole('link', { name: 'New customer' }).click();
    await field('Name').fill('Acme Messaging');
    await field('Account manager email').fill('am@operator.example');
    await field('Billing email').fill('not-an-email');
    await field('Currency').fill('usd');
    await page.getByRole('button', { name: 'Create customer' }).click();
    // The service validates; its messages land under the fields it names.
    assert.equal(await fieldError('Billing email'), 'must be an email address');
    assert.match((await fieldError('Currency')) ?? '', /ISO 4217/);
    assert.notEqual(await field('Name').getAttribute('aria-invalid'), 'true');
    await screenshot(page, '03-new-customer-errors');

    await field('Billing email').fill('billing@acme.example');
    await field('Currency').fill('EUR');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Acme Messaging' }).waitFor();
    assert.match(page.url(), /\/customers\/\d+$/);
    await page.getByText('billing@acme.example').waitFor();
    await screenshot(page, '04-customer-detail');

    // It is stored: the API lists it, and the list page shows it after Demo Co.
    const listed = await server.graphql('{ customers(first: 10) { edges { node { name currency } } } }');
    assert.deepEqual(
      listed.data.customers.edges.map((e) => e.node),
      [
        { name: 'Demo Co', currency: 'USD' },
        { name: 'Acme Messaging', currency: 'EUR' },
      ],
    );
    await page.getByRole('link', { name: 'Customers', exact: true }).first().click();
    await page.getByTestId('customers-table').getByRole('link', { name: 'Acme Messaging' }).waitFor();

    // Edit: a change is saved and shown.
    await page.getByTestId('customers-table').getByRole('link', { name: 'Acme Messaging' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await field('Name').fill('Acme Messaging Ltd');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Acme Messaging Ltd' }).waitFor();
  });

  it("opens Demo Co's numbers and senders", async () => {
    await page.getByRole('link', { name: 'Numbers & senders' }).first().click();
    await page.getByTestId('customer-picker').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.waitForURL('**/customers/*/numbers');
    const table = page.getByTestId('numbers-table');
    await table.waitFor();
    // The demo set's numbers, as the API describes them, are what the table shows.
    const api = await server.graphql(
      '{ numbers(customerId: 1, first: 10) { edges { node { address throttle { perSecond perDay } } } } }',
    );
    const throttleOf = (address) => {
      const t = api.data.numbers.edges.find((e) => e.node.address === address).node.throttle;
      const day = t.perDay === null ? 'no daily cap' : `${t.perDay.toLocaleString('en-US')}/day`;
      return `${t.perSecond.toLocaleString('en-US')}/s, ${day}`;
    };
    const longCode = table.getByTestId('number-+12065550100');
    const longText = await longCode.innerText();
    assert.match(longText, /Long code[\s\S]*2-way[\s\S]*Demo Co \(demo data\)/i);
    assert.ok(longText.includes(throttleOf('+12065550100')), longText);
    assert.equal(await longCode.getByLabel('SMS enabled').count(), 1);
    assert.equal(await longCode.getByLabel('MMS enabled').count(), 1);
    const alpha = table.getByTestId('number-DEMOCO');
    assert.match(await alpha.innerText(), /Alphanumeric ID[\s\S]*1-way/i);
    assert.equal(await alpha.getByLabel('SMS enabled').count(), 1);
    assert.equal(await alpha.getByLabel('MMS disabled').count(), 1);
    // The admin may read sender authorizations: the demo ID's, in force, with its reference and
    // grant day as the API has them.
    const auths = await server.graphql(
      '{ numbers(customerId: 1, kind: ALPHANUMERIC) { edges { node { address authorizations { reference grantedAt withdrawnAt } } } } }',
    );
    assert.equal(auths.errors, undefined, JSON.stringify(auths.errors));
    const demoAuth = auths.data.numbers.edges.find((e) => e.node.address === 'DEMOCO').node.authorizations;
    assert.deepEqual(
      demoAuth.map((a) => [a.reference, a.grantedAt.slice(0, 10), a.withdrawnAt]),
      [['DEMO-AUTH-001', '2026-01-01', null]],
    );
    await page.getByRole('columnheader', { name: 'Sender authorization' }).waitFor();
    const authCell = alpha.getByTestId('sender-authorization');
    await authCell.getByText('Authorized', { exact: true }).waitFor();
    assert.match(await authCell.innerText(), /^Authorized\s+DEMO-AUTH-001, granted 01 Jan 2026$/i);
    assert.equal(await page.getByText('No authorization on file').count(), 0);
    // Phone numbers and short codes need none.
    assert.equal(await longCode.getByTestId('sender-authorization').count(), 0);
    assert.match(await table.getByTestId('number-55501').innerText(), /Short code \(random\)/);
    assert.equal(await table.locator('tbody tr').count(), api.data.numbers.edges.length);
    await screenshot(page, '05-numbers-demo-co');

    // The kind filter asks the API again.
    await page.getByRole('radiogroup', { name: 'Kind' }).locator('label', { hasText: /^Toll-free$/ }).click();
    await table.getByTestId('number-DEMOCO').waitFor({ state: 'detached' });
    assert.equal(await table.locator('tbody tr').count(), 1);
    await table.getByTestId('number-+18885550100').waitFor();
  });

  it("manages a number's throttle, showing the API's refusal under the field", async () => {
    const row = page.getByTestId('numbers-table').getByTestId('number-+18885550100');
    await row.getByRole('button', { name: 'Manage' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Throttle', { exact: true }).waitFor();
    await drawer.getByLabel('Per second').fill('0');
    await drawer.getByRole('button', { name: 'Save throttle' }).click();
    assert.match((await fieldError('Per second')) ?? '', /between 1 and \d+/);
    await screenshot(page, '06-number-manage');

    await drawer.getByLabel('Per second').fill('25');
    await drawer.getByLabel('Per day').fill('5000');
    await drawer.getByRole('button', { name: 'Save throttle' }).click();
    await row.getByText('25/s, 5,000/day').waitFor();
    const stored = await server.graphql('{ numbers(customerId: 1, kind: TOLL_FREE) { edges { node { throttle { perSecond perDay } } } } }');
    assert.deepEqual(stored.data.numbers.edges[0].node.throttle, { perSecond: 25, perDay: 5000 });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('previews a text with an emoji: UCS-2, its fragments and the price', async () => {
    await page.getByRole('link', { name: 'Message preview' }).click();
    const text = page.getByTestId('preview-text');
    await text.fill('Plain GSM text');
    await page.getByTestId('preview-encoding').getByText('GSM7').waitFor();
    assert.equal(await page.getByTestId('preview-fragment-count').innerText(), '1');

    // 70 characters plus an emoji (2 UTF-16 units): 72 units, over 70, so 2 fragments of ≤ 67.
    const long = `${'a'.repeat(70)}😀`;
    await text.fill(long);
    await page.getByTestId('preview-encoding').getByText('UCS2').waitFor();
    await page.getByTestId('preview-fragment-count').getByText('2', { exact: true }).waitFor();
    const fragments = page.getByTestId('preview-fragment');
    assert.equal(await fragments.count(), 2);
    assert.match(await fragments.nth(0).innerText(), /Fragment 1 of 2[\s\S]*67 \/ 67 UTF-16 units/);
    assert.match(await fragments.nth(1).innerText(), /Fragment 2 of 2[\s\S]*5 \/ 67 UTF-16 units/);
    assert.match(await page.getByTestId('preview-non-gsm').innerText(), /😀[\s\S]*U\+1F600/);

    // Priced for Demo Co to a US number: Demo Co's card prices non-GSM content internationally.
    await page.getByTestId('preview-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.getByTestId('preview-charges').waitFor();
    const api = await server.graphql(
      'query($t: String!) { messagePreview(text: $t, customerId: 1, destination: "+12065550123") { price } }',
      { t: long },
    );
    const expected = api.data.messagePreview.price.replace(/0+$/, '').replace(/\.(\d)$/, '.$10');
    assert.equal(await page.getByTestId('preview-price').innerText(), expected);
    assert.match(await page.getByTestId('preview-charges').innerText(), /international rate/i);
    await screenshot(page, '07-preview-ucs2');

    // Applying the suggested replacements turns curly quotes into GSM text.
    await text.fill('“Hello”');
    await page.getByTestId('preview-encoding').getByText('UCS2').waitFor();
    await page.getByRole('button', { name: /Apply 2 suggestion/ }).click();
    assert.equal(await text.inputValue(), '"Hello"');
    await page.getByTestId('preview-encoding').getByText('GSM7').waitFor();
  });

  it('signs out, and a customer key sees only its own account', async () => {
    await signOut();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('backoffice.session')), null);
    await page.goto(`${server.baseUrl}/customers`);
    await page.waitForURL('**/sign-in');

    const created = await server.graphql(
      'mutation { createApiKey(input: { name: "e2e customer", role: CUSTOMER, customerId: "1" }) { secret } }',
    );
    await signIn(created.data.createApiKey.secret);
    await page.getByTestId('role-badge').getByText('Customer').waitFor();
    await page.waitForURL('**/customers/1');
    await page.getByRole('heading', { name: 'Demo Co' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    assert.equal(await nav.getByText('My account').count(), 1);
    assert.equal(await nav.getByText('Customers', { exact: true }).count(), 0);
    assert.equal(await nav.getByText('GraphQL explorer').count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
    await screenshot(page, '08-customer-account');

    // A customer key may not read sender authorizations: its numbers page does not ask for them
    // (the API would refuse the whole query) and has no such column.
    await nav.getByText('Numbers & senders').click();
    await page.waitForURL('**/customers/1/numbers');
    await page.getByTestId('numbers-table').getByTestId('number-DEMOCO').waitFor();
    assert.equal(await page.getByText('Numbers could not be loaded').count(), 0);
    assert.equal(await page.getByRole('columnheader', { name: 'Sender authorization' }).count(), 0);
    assert.equal(await page.getByTestId('sender-authorization').count(), 0);
    assert.equal(await page.getByText('DEMO-AUTH-001').count(), 0);
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
