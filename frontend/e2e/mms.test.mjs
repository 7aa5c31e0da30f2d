// Browser tests of the MMS pages: an MO MMS from an AT&T subscriber enters through the
// simulator's `injectInbound`, and the message page must show its parts; the use-case queue
// must show the demo's pending use case and insist on a reason to reject it; the AT&T ratio
// page must count the MMS as incoming.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let page;
const errors = [];
let mms;

const INJECT = `mutation($input: InjectInboundInput!) {
  injectInbound(input: $input) { id messageId kind subject parts { seq contentType filename sizeBytes } }
}`;

const USE_CASES = '{ mmsUseCases { id status decisionReason numberIds } }';

/** `n` bytes of content, base64 as the API takes it. */
function content(n) {
  return Buffer.alloc(n, 7).toString('base64');
}

before(async () => {
  server = await startServer();
  const r = await server.graphql(INJECT, {
    input: {
      source: '+12065551234',
      destination: '+12065550100',
      text: 'Listen to this and watch the clip',
      mms: {
        subject: 'Holiday greetings',
        parts: [
          { contentType: 'audio/amr', base64: content(3000), filename: 'voice.amr' },
          { contentType: 'video/mp4', base64: content(20_480), filename: 'clip.mp4' },
        ],
      },
    },
  });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  mms = r.data.injectInbound;
  assert.equal(mms.kind, 'MMS');
  // The text became the first, text/plain part.
  assert.deepEqual(
    mms.parts.map((p) => p.contentType),
    ['text/plain', 'audio/amr', 'video/mp4'],
  );

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('MMS pages', () => {
  it('shows an MO MMS with its subject and parts by type and size', async () => {
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.goto(`${server.baseUrl}/messages/${mms.id}`);
    const card = page.getByTestId('message-mms');
    await card.waitFor();
    assert.equal(await page.getByTestId('message-detail-subject').innerText(), 'Holiday greetings');
    const rows = card.getByTestId('mms-part');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    assert.deepEqual(await card.getByTestId('mms-part-type').allInnerTexts(), ['text/plain', 'audio/amr', 'video/mp4']);
    assert.deepEqual(await card.getByTestId('mms-part-size').allInnerTexts(), ['<0.1 KB', '2.9 KB', '20 KB']);
    assert.match(await rows.nth(1).innerText(), /voice\.amr/);
    assert.match(await rows.nth(2).innerText(), /clip\.mp4/);
    // An MMS has no SMS fragments to show.
    assert.equal(await page.getByTestId('message-fragments').count(), 0);
    await screenshot(page, '14-message-mms');
  });

  it('filters the messages list by kind, in the URL', async () => {
    await page.goto(`${server.baseUrl}/messages`);
    const row = page.getByTestId(`message-${mms.messageId}`);
    await row.waitFor();
    assert.equal(await row.getByTestId('message-kind').innerText(), 'MMS');
    await page.getByTestId('messages-kind').getByText('SMS', { exact: true }).click();
    await page.waitForURL(/kind=SMS/);
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('messages-kind').getByText('MMS', { exact: true }).click();
    await page.waitForURL(/kind=MMS/);
    await row.waitFor();
  });

  it('shows the pending use case in the queue, beside the customer’s approved one', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^MMS use cases/ }).click();
    await page.waitForURL('**/use-cases');
    const before = (await server.graphql(USE_CASES)).data.mmsUseCases;
    const pending = before.find((u) => u.status === 'SUBMITTED');
    const approved = before.find((u) => u.status === 'APPROVED');
    assert.ok(pending && approved, JSON.stringify(before));
    const item = page.getByTestId(`queue-item-${pending.id}`);
    await item.waitFor();
    assert.equal(await page.getByTestId('queue-count').innerText(), '1');
    const submission = item.getByTestId('use-case-submission');
    assert.match(await submission.getByTestId('use-case-numbers').innerText(), /\+18885550100/);
    assert.match(await submission.getByTestId('use-case-media').innerText(), /video\/\*/);
    assert.match(await submission.getByTestId('use-case-att').innerText(), /Not exempt/);
    const history = item.getByTestId('use-case-history').getByTestId('history-use-case');
    assert.equal(await history.count(), 1);
    assert.match(await history.innerText(), new RegExp(`#${approved.id}[\\s\\S]*Approved`));
    assert.equal(await history.getByRole('button', { name: 'Revoke' }).count(), 1);
    await screenshot(page, '15-use-case-queue');
  });

  it('will not reject without a reason, then rejects with one', async () => {
    const pending = (await server.graphql(USE_CASES)).data.mmsUseCases.find((u) => u.status === 'SUBMITTED');
    await page.getByTestId(`queue-item-${pending.id}`).getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog', { name: `Reject use case #${pending.id}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('Give the customer a reason for the rejection.').waitFor();
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await screenshot(page, '16-use-case-reject-reason');
    // Nothing was sent: the use case is still waiting.
    assert.equal((await server.graphql(USE_CASES)).data.mmsUseCases.find((u) => u.id === pending.id).status, 'SUBMITTED');

    await dialog.getByLabel('Reason').fill('Toll-free numbers need a separate registration first');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.locator('.mantine-Notifications-root').getByText(`Use case #${pending.id} rejected`).waitFor();
    await page.getByTestId('queue-empty').waitFor();
    const after = (await server.graphql(USE_CASES)).data.mmsUseCases.find((u) => u.id === pending.id);
    assert.equal(after.status, 'REJECTED');
    assert.equal(after.decisionReason, 'Toll-free numbers need a separate registration first');
  });

  it('counts the MO MMS as incoming on the AT&T ratio page', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^AT&T MMS ratio/ }).click();
    await page.waitForURL('**/mms-ratio');
    await page.getByTestId('ratio-choose').waitFor();
    await page.getByTestId('ratio-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.waitForURL(/customer=1/);
    await page.getByTestId('ratio-report').waitFor();
    assert.equal(await page.getByTestId('ratio-incoming').innerText(), '1');
    assert.equal(await page.getByTestId('ratio-outgoing').innerText(), '0');
    assert.equal(await page.getByTestId('ratio-value').innerText(), '0:1');
    assert.equal(await page.getByTestId('ratio-level').textContent(), 'Within');
    await page.getByTestId('ratio-chart').locator('svg.recharts-surface').first().waitFor();
    await screenshot(page, '17-mms-ratio');

    // Before the cycle began nothing came in: no ratio, which is not a ratio of 0.
    await page.goto(`${server.baseUrl}/mms-ratio?customer=1&asOf=2020-01-01`);
    await page.getByTestId('ratio-none').waitFor();
    assert.equal(await page.getByTestId('ratio-value').innerText(), 'no incoming yet');
    assert.match(await page.getByTestId('ratio-cycle').innerText(), /not started/);
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
