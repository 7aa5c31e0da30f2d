// Browser tests of the compliance pages, signed in with a compliance key: the queue counts on
// the navigation, the short codes (silence, filings per carrier, the forecast), a filing taken
// from draft to a rejection that needs a reason, a code suspended from the keyboard (its
// traffic then blocked) and resumed, and the blocked traffic filtered by reason and number.
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
let filingId;
let lease55501;

const SETUP = `{
  numbers(kind: SHORT_CODE, first: 10) { edges { node { id address } } }
  carriers { id code }
  leases { id shortCode state daysSilent }
}`;

const CREATE_FILING = `mutation($input: NewFilingInput!) { createFiling(input: $input) { id status } }`;
const FILING = `{ filings { id status decisionReason } }`;
const LEASES = `{ leases { id shortCode state events { toState reason } } }`;
const MESSAGE = `query($id: ID!) { message(id: $id) { status rejectReason } }`;

/** The number a queue badge shows (its words are for screen readers). */
function shown(badge) {
  return badge.locator('[aria-hidden]').innerText();
}

function nav() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

async function submit(params) {
  return smpp.submit({
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '12065550100',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    registered_delivery: 1,
    ...params,
  });
}

before(async () => {
  server = await startServer();
  const setup = (await server.graphql(SETUP)).data;
  const code = (address) => setup.numbers.edges.find((e) => e.node.address === address).node.id;
  const att = setup.carriers.find((c) => c.code === 'ATT').id;
  lease55501 = setup.leases.find((l) => l.shortCode === '55501');
  assert.equal(lease55501.state, 'ACTIVE');
  // A new filing of 55502 with AT&T, still a draft: the one open filing.
  const filing = await server.graphql(CREATE_FILING, {
    input: {
      numberId: code('55502'),
      carrierId: att,
      kind: 'SMS_AND_MMS',
      useCase: 'Delivery notifications with a picture of the parcel',
      sampleMessages: ['Your parcel is at your door (photo attached).'],
      helpAnswer: 'Demo Co parcels: help at demo.example.',
      stopAnswer: 'You will get no more parcel notifications.',
    },
  });
  assert.equal(filing.errors, undefined, JSON.stringify(filing.errors));
  filingId = filing.data.createFiling.id;

  smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
  // Blocked by a content rule, and (in plain words) an alphanumeric ID sending to the US.
  sent.prohibited = await submit({ destination_addr: '14255550130', short_message: 'Congratulations, you have won! Claim your prize today' });
  sent.alphanumeric = await submit({
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: 'DEMOCO',
    destination_addr: '14255550131',
    short_message: 'Alphanumeric to the US',
  });
  sent.delivered = await submit({ destination_addr: '14255550132', short_message: 'Your code is 5678' });
  assert.match(await smpp.receipt(sent.prohibited), /stat:REJECTD/);
  assert.match(await smpp.receipt(sent.alphanumeric), /stat:REJECTD/);
  assert.match(await smpp.receipt(sent.delivered), /stat:DELIVRD/);

  const key = await server.graphql('mutation { createApiKey(input: { name: "e2e compliance", role: COMPLIANCE }) { secret } }');
  assert.equal(key.errors, undefined, JSON.stringify(key.errors));
  sent.key = key.data.createApiKey.secret;

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('compliance pages', () => {
  it('counts the queues on the navigation', async () => {
    await signIn(page, server.baseUrl, sent.key);
    await page.getByTestId('role-badge').getByText('Compliance').waitFor();
    const useCases = nav().getByRole('link', { name: /^MMS use cases/ });
    await useCases.getByTestId('queue-useCases').waitFor();
    assert.equal(await shown(useCases.getByTestId('queue-useCases')), '1');
    // The count is read out with what it counts.
    assert.match(await useCases.getByTestId('queue-useCases').textContent(), /1 MMS use case to decide/);
    const shortCodes = nav().getByRole('link', { name: /^Short codes/ });
    assert.equal(await shown(shortCodes.getByTestId('queue-filings')), '1');
    // Nothing suspended, and DEMOCO has its authorization: no badge for either.
    assert.equal(await shortCodes.getByTestId('queue-suspended').count(), 0);
    assert.equal(await nav().getByTestId('queue-authorizations').count(), 0);
  });

  it('shows each lease with its silence, filings per carrier and forecast', async () => {
    await nav().getByRole('link', { name: /^Short codes/ }).click();
    await page.waitForURL('**/short-codes');
    const silent = page.getByTestId('lease-55502');
    await silent.waitFor();
    // 75 days without traffic: highlighted (from 60), with the days left before carriers cancel.
    assert.equal(await silent.locator('[data-silence]').getAttribute('data-silence'), 'warning');
    assert.match(await silent.getByTestId('lease-silence').innerText(), /75 days silent/i);
    const busy = page.getByTestId('lease-55501');
    assert.equal(await busy.locator('[data-silence]').getAttribute('data-silence'), 'ok');
    assert.equal(await busy.getByTestId('lease-state').textContent(), 'Active');
    assert.match(await busy.getByTestId('lease-term').innerText(), /term 1/);
    assert.equal(await busy.getByTestId('lease-notice').innerText(), 'none');
    // Approved with each demo carrier.
    const filings = await busy.getByTestId('lease-filings').textContent();
    for (const c of ['ATT', 'TMOBILE', 'VERIZON']) assert.match(filings, new RegExp(`${c} · approved`));
    // 55502's newest AT&T filing is the draft.
    assert.match(await silent.getByTestId('lease-filings').textContent(), /ATT · draft/);
    // The demo forecast for this quarter, 30 000 messages, revision 1.
    await busy.getByTestId('lease-forecast').getByText(/of 30,000/).waitFor();
    assert.match(await busy.getByTestId('lease-forecast').innerText(), /rev\. 1/);
    assert.match(await silent.getByTestId('lease-forecast').innerText(), /none yet/);
    assert.equal(await page.getByTestId('open-filings-count').innerText(), '1');
    await screenshot(page, '20-short-codes');
  });

  it('submits the draft filing, then will not reject it without a reason', async () => {
    const row = page.getByTestId(`filing-${filingId}`);
    await row.getByRole('button', { name: 'Submit' }).click();
    const submitDialog = page.getByRole('dialog', { name: `Submit filing #${filingId}?` });
    await submitDialog.getByText(/charges the customer the filing fee/).waitFor();
    await submitDialog.getByRole('button', { name: 'Submit' }).click();
    await row.getByTestId('filing-status').getByText('Submitted').waitFor();

    await row.getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog', { name: `Reject filing #${filingId}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('Give the carrier’s reason for the rejection.').waitFor();
    assert.equal((await server.graphql(FILING)).data.filings.find((f) => f.id === filingId).status, 'SUBMITTED');
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await screenshot(page, '21-filing-reject-reason');

    await dialog.getByLabel('Reason').fill('Sample messages lack the opt-out wording');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByTestId('filings-empty').waitFor();
    const stored = (await server.graphql(FILING)).data.filings.find((f) => f.id === filingId);
    assert.equal(stored.status, 'REJECTED');
    assert.equal(stored.decisionReason, 'Sample messages lack the opt-out wording');
    // No open filing left: the navigation's badge goes.
    await nav().getByTestId('queue-filings').waitFor({ state: 'detached' });
  });

  it('suspends a code from the keyboard, with a reason; its traffic is then blocked', async () => {
    const toggle = page.getByRole('button', { name: 'Show the history of 55501' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId(`lease-details-${lease55501.id}`);
    await details.waitFor();
    assert.equal(await page.getByRole('button', { name: 'Hide the history of 55501' }).getAttribute('aria-expanded'), 'true');
    assert.match(await details.getByTestId('lease-events').innerText(), /Active/);

    await details.getByRole('button', { name: 'Suspend' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Suspend short code 55501?' });
    await dialog.waitFor();
    // From the reason field, Tab reaches Back, then Suspend; without a reason nothing is sent.
    await dialog.getByLabel('Reason').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByText('Give a reason for suspending the code.').waitFor();
    await dialog.getByLabel('Reason').fill('Carrier complaint: unsolicited messages');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await page.getByTestId('lease-55501').getByTestId('lease-state').getByText('Suspended').waitFor();
    const lease = (await server.graphql(LEASES)).data.leases.find((l) => l.id === lease55501.id);
    assert.equal(lease.state, 'SUSPENDED');
    assert.equal(lease.events.at(-1).reason, 'Carrier complaint: unsolicited messages');
    await nav().getByTestId('queue-suspended').waitFor();
    assert.equal(await shown(nav().getByTestId('queue-suspended')), '1');
    await details.getByTestId('lease-event').last().getByText('Carrier complaint: unsolicited messages').waitFor();
    await screenshot(page, '22-short-code-suspended');

    // Admission sees the suspension within its cache refresh: retry until it refuses.
    for (let i = 0; i < 20; i++) {
      const id = await submit({ source_addr_ton: 0, source_addr_npi: 0, source_addr: '55501', destination_addr: '12065550140', short_message: 'Code 1111' });
      await smpp.receipt(id);
      const m = (await server.graphql(MESSAGE, { id })).data.message;
      if (m.status === 'REJECTED' && /^SHORT_CODE_SUSPENDED/.test(m.rejectReason)) {
        sent.suspended = id;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(sent.suspended, 'a message from the suspended code was not refused');
  });

  it('lists the blocked traffic with reasons, filtered by reason and number in the URL', async () => {
    await nav().getByRole('link', { name: /^Blocked traffic/ }).click();
    await page.waitForURL('**/blocked');
    const prohibited = page.getByTestId(`blocked-${sent.prohibited}`);
    await prohibited.waitFor();
    assert.match(await prohibited.getByTestId('blocked-reason-cell').textContent(), /Prohibited content\s*rule spam-prize/);
    assert.match(await page.getByTestId(`blocked-${sent.alphanumeric}`).innerText(), /may not send to the US or Canada/);
    assert.match(await page.getByTestId(`blocked-${sent.suspended}`).textContent(), /Short code suspended/);
    // Delivered traffic is not blocked traffic.
    assert.equal(await page.getByTestId(`blocked-${sent.delivered}`).count(), 0);
    const tally = page.getByTestId('blocked-tally');
    await tally.getByRole('checkbox', { name: 'Prohibited content · 1' }).waitFor({ state: 'attached' });
    assert.match(await tally.innerText(), /may not send to the US or Canada · 1/);
    await screenshot(page, '23-blocked-traffic');

    // A reason of the tally filters by it.
    await tally.getByText('Short code suspended · 1').click();
    await page.waitForURL(/reason=SHORT_CODE_SUSPENDED/);
    await prohibited.waitFor({ state: 'detached' });
    await page.getByTestId(`blocked-${sent.suspended}`).waitFor();

    await page.goto(`${server.baseUrl}/blocked?number=DEMOCO`);
    await page.getByTestId(`blocked-${sent.alphanumeric}`).waitFor();
    assert.equal(await page.getByTestId(`blocked-${sent.prohibited}`).count(), 0);
    // A number nobody has matches nothing, rather than everything.
    await page.getByTestId('blocked-number').fill('+19995550000');
    await page.getByText('No number or sender by that address').waitFor();
    assert.equal(await page.getByTestId('blocked-table').locator('tbody tr[data-testid^="blocked-"]').count(), 0);
  });

  it('resumes the code with a reason', async () => {
    await nav().getByRole('link', { name: /^Short codes/ }).click();
    await page.getByRole('button', { name: 'Show the history of 55501' }).click();
    await page.getByTestId(`lease-details-${lease55501.id}`).getByRole('button', { name: 'Resume' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resume short code 55501?' });
    await dialog.getByLabel('Reason').fill('Customer removed the campaign');
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('lease-55501').getByTestId('lease-state').getByText('Active').waitFor();
    await nav().getByTestId('queue-suspended').waitFor({ state: 'detached' });
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
