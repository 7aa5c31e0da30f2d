// Browser tests of the operator pages: an admin runs a job now from the jobs page (from the
// keyboard) and finds its run with its outcome in the history; an account manager filters the
// alerts inbox (a silent short code's warning, raised by the inactivity job over GraphQL) and
// acknowledges it, the count on the navigation going down; the gateway page shows a bind the
// test makes over SMPP, and its traffic, without a reload, and drops it once unbound; with a
// mail server that refuses, an alert's failed email is marked with the error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, signIn, startBrowser, startServer } from './harness.mjs';
import { bindTransceiver } from './smpp.mjs';

let server;
let browser;
let page;
let smpp;
const errors = [];
const keys = {};
let silent;

const ALERTS = `query($kind: String) {
  alerts(kind: $kind, first: 100) { edges { node { id kind subject severity state recipient customerId acknowledgedAt acknowledgedBy } } }
}`;

/** The number a queue badge shows (its words are for screen readers). */
function shown(badge) {
  return badge.locator('[aria-hidden]').innerText();
}

/** Waits until `read()` (a locator's text, say) gives `expected`; fails naming what it gave last. */
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

/** A locator's text as written (badges show it upper-case with CSS). */
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
  const key = await server.graphql('mutation { createApiKey(input: { name: "e2e account manager", role: ACCOUNT_MANAGER }) { secret } }');
  assert.equal(key.errors, undefined, JSON.stringify(key.errors));
  keys.ACCOUNT_MANAGER = key.data.createApiKey.secret;
  // The demo's 55502 has been silent for 75 days: the inactivity job warns at 60.
  const run = await server.graphql('mutation { runJob(name: "inactivity") { id outcome alertsCreated } }');
  assert.equal(run.errors, undefined, JSON.stringify(run.errors));
  assert.equal(run.data.runJob.outcome, 'succeeded');
  const alerts = (await server.graphql(ALERTS, { kind: 'inactivity_warning' })).data.alerts.edges.map((e) => e.node);
  silent = alerts.find((a) => a.subject === 'Short code 55502 silent for 60 days');
  assert.ok(silent, JSON.stringify(alerts));
  assert.equal(silent.severity, 'warning');
  assert.equal(silent.acknowledgedAt, null);

  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await smpp?.close();
  await browser?.close();
  await server?.stop();
});

describe('operator pages', () => {
  it('lets an admin run a job now and find the run with its outcome', async () => {
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await nav().getByRole('link', { name: /^Scheduled jobs/ }).click();
    await page.waitForURL(/\/jobs$/);
    const retention = page.getByTestId('job-retention');
    assert.equal(await retention.getByTestId('job-schedule').innerText(), 'Hourly at :35');
    assert.equal(await page.getByTestId('job-invoice-drafts').getByTestId('job-schedule').innerText(), 'Monthly on the 1st at 02:00 UTC');
    // The inactivity run of the setup is its latest.
    await waitUntil(text(page.getByTestId('job-inactivity').getByTestId('job-latest-outcome')), 'Succeeded');

    // From the keyboard: the button opens the dialog, the as-of field has the focus, Enter runs.
    await retention.getByRole('button', { name: 'Run now: retention' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Run retention now' });
    await dialog.getByTestId('run-job-as-of').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'run-job-as-of');
    await page.keyboard.press('Enter');
    const result = dialog.getByTestId('job-run-result');
    await result.waitFor();
    assert.equal(await result.getByTestId('job-run-outcome').textContent(), 'Succeeded');
    const runId = /Run #(\d+)/.exec(await result.getByRole('heading').innerText())?.[1];
    assert.ok(runId);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(await result.getByRole('heading').innerText(), new RegExp(`as of ${today}`));
    await screenshot(page, '40-job-run');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // The new run heads the history, and the job's latest run is it.
    const row = page.getByTestId(`run-${runId}`);
    await row.waitFor();
    assert.equal(await row.getByTestId('run-outcome').textContent(), 'Succeeded');
    assert.match(await row.innerText(), /retention/);
    assert.match(await row.innerText(), /manual/);
    await retention.getByTestId('job-latest').getByText(`#${runId}`, { exact: false }).waitFor();
    const stored = await server.graphql('{ jobRuns(job: "retention", first: 5) { edges { node { id outcome trigger } } } }');
    assert.deepEqual(stored.data.jobRuns.edges[0].node, { id: runId, outcome: 'succeeded', trigger: 'manual' });

    // The history of one job, kept in the address bar.
    await page.getByTestId('runs-job').click();
    await page.getByRole('option', { name: 'inactivity' }).click();
    await page.waitForURL(/[?&]job=inactivity/);
    await row.waitFor({ state: 'detached' });
    const jobs = await page.getByTestId('runs-table').locator('tbody tr').allInnerTexts();
    assert.ok(jobs.length >= 1 && jobs.every((t) => /inactivity/.test(t)), JSON.stringify(jobs));
    await screenshot(page, '41-jobs');
  });

  it('lets an account manager filter the alerts and acknowledge one', async () => {
    await signOut();
    await signIn(page, server.baseUrl, keys.ACCOUNT_MANAGER);
    await page.getByTestId('role-badge').getByText('Account manager').waitFor();
    // No jobs page for account managers; the open alerts are counted beside the inbox.
    assert.equal(await nav().getByRole('link', { name: /^Scheduled jobs/ }).count(), 0);
    const link = nav().getByRole('link', { name: /^Alerts/ });
    const badge = link.getByTestId('queue-alerts');
    await badge.waitFor();
    const open = (await server.graphql('{ alerts(acknowledged: false, first: 100) { edges { node { id } } } }')).data.alerts.edges.length;
    assert.equal(await shown(badge), String(open));
    assert.match(await badge.textContent(), new RegExp(`${open} alerts? to acknowledge`));

    await link.click();
    await page.waitForURL(/\/alerts$/);
    await page.getByTestId('alerts-table').waitFor();
    await page.getByTestId('alerts-kind').click();
    await page.getByRole('option', { name: 'Short code silent' }).click();
    await page.waitForURL(/[?&]kind=inactivity_warning/);
    await page.getByTestId('alerts-customer').click();
    await page.getByRole('option', { name: 'Demo Co' }).click();
    await page.waitForURL(/[?&]customer=1/);
    const row = page.getByTestId(`alert-${silent.id}`);
    await row.waitFor();
    const kinds = await page.getByTestId('alerts-table').getByTestId('alert-kind').allInnerTexts();
    assert.ok(kinds.every((k) => k.startsWith('Short code silent')), JSON.stringify(kinds));
    assert.equal(await row.getByTestId('alert-subject').innerText(), 'Short code 55502 silent for 60 days');
    assert.match(await row.getByTestId('alert-detail').innerText(), /carriers cancel short codes after 90 days/);
    assert.equal(await row.getByTestId('alert-severity').textContent(), 'Warning');
    // Its email went to the customer's account manager (the file outbox by default).
    assert.equal(await row.getByTestId('alert-delivery-state').textContent(), 'Sent');
    assert.match(await row.getByTestId('alert-recipient').innerText(), /^to \S+@\S+$/);
    await screenshot(page, '42-alerts');

    // Acknowledged from the keyboard: the row says so at once, and the count goes down.
    await row.getByRole('button', { name: /^Acknowledge: Short code 55502/ }).focus();
    await page.keyboard.press('Enter');
    await row.getByTestId('alert-acknowledged-by').waitFor();
    assert.equal(await row.getAttribute('data-acknowledged'), 'yes');
    if (open > 1) await waitUntil(text(link.getByTestId('queue-alerts').locator('[aria-hidden]')), String(open - 1));
    else await link.getByTestId('queue-alerts').waitFor({ state: 'detached' });
    const stored = (await server.graphql(ALERTS, { kind: 'inactivity_warning' })).data.alerts.edges.map((e) => e.node).find((a) => a.id === silent.id);
    assert.notEqual(stored.acknowledgedAt, null);
    assert.match(stored.acknowledgedBy, /^api-key:\d+$/);

    // Among the acknowledged ones, also after a reload: the filters live in the address bar.
    await page.getByTestId('alerts-ack').getByText('Acknowledged', { exact: true }).click();
    await page.waitForURL(/[?&]ack=done/);
    await page.reload();
    await row.getByTestId('alert-acknowledged-by').waitFor();
    assert.match(page.url(), /kind=inactivity_warning/);
    assert.match(page.url(), /customer=1/);
    await waitUntil(() => page.getByTestId('alerts-kind').inputValue(), 'Short code silent');
    await screenshot(page, '43-alert-acknowledged');
    // The open view no longer has it.
    await page.getByTestId('alerts-ack').getByText('Open', { exact: true }).click();
    await page.getByTestId('alerts-empty').waitFor();
  });

  it('shows an account manager the carriers, and an admin a bind made over SMPP as it comes and goes', async () => {
    await nav().getByRole('link', { name: /^SMPP gateway/ }).click();
    await page.getByTestId('binds-admins-only').waitFor();
    await page.getByTestId('gateway-carriers').waitFor();

    await signOut();
    await signIn(page, server.baseUrl, server.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await nav().getByRole('link', { name: /^SMPP gateway/ }).click();
    await page.getByTestId('binds-empty').waitFor();

    // Bound and sending after the page loaded: the next refresh shows both.
    smpp = await bindTransceiver({ ...server.smpp, systemId: 'demo', password: 'demopass' });
    const id = await smpp.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '12065550100',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      registered_delivery: 1,
      destination_addr: '14255550150',
      short_message: 'Your code is 1357',
    });
    assert.match(await smpp.receipt(id), /stat:DELIVRD/);
    const bind = page.getByTestId('binds-table').locator('tbody tr', { has: page.getByTestId('bind-system-id') });
    await bind.first().waitFor();
    assert.equal(await bind.count(), 1);
    assert.equal(await bind.getByTestId('bind-system-id').innerText(), 'demo');
    assert.equal(await bind.getByTestId('bind-type').innerText(), 'Transceiver');
    assert.match(await bind.innerText(), /Demo Co/);
    const sessions = (await server.graphql('{ smppSessions { sessionId systemId bindType } }')).data.smppSessions;
    assert.deepEqual(sessions.map((s) => [s.systemId, s.bindType]), [['demo', 'transceiver']]);
    assert.equal(await bind.getAttribute('data-testid'), `bind-${sessions[0].sessionId}`);

    const carrier = page.getByTestId('gateway-carrier-TMOBILE');
    await carrier.waitFor();
    const stats = await server.graphql(
      'query($f: DeliveryStatsFilter!) { deliveryStats(filter: $f, groupBy: [CARRIER]) { carrierCode received } }',
      { f: { from: new Date().toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) } },
    );
    const tmo = stats.data.deliveryStats.find((r) => r.carrierCode === 'TMOBILE');
    await waitUntil(text(carrier.getByTestId('carrier-received')), String(tmo.received));
    // Delivered, so timed: p50 and p95 of the submission to its receipt.
    await waitUntil(text(carrier.getByTestId('carrier-delivery')), (t) => /^\S+ m?s \/ \S+ m?s$/.test(t));
    await waitUntil(text(page.getByTestId('gateway-binds')), '1');
    await screenshot(page, '44-gateway');

    // Unbound: gone at the next refresh, without a reload.
    await smpp.close();
    smpp = null;
    await page.getByTestId('binds-empty').waitFor();
    await waitUntil(text(page.getByTestId('gateway-binds')), '0');
  });

});

describe('an alert whose email failed', () => {
  let failing;
  before(async () => {
    // Nothing listens on port 1: every send fails, and one attempt is all the service makes.
    failing = await startServer({ env: { BACKOFFICE_MAIL__SMTP_URL: 'smtp://127.0.0.1:1', BACKOFFICE_ALERTS__MAX_ATTEMPTS: '1' } });
    const run = await failing.graphql('mutation { runJob(name: "inactivity") { outcome } }');
    assert.equal(run.errors, undefined, JSON.stringify(run.errors));
  });
  after(async () => {
    await failing?.stop();
  });

  it('shows the failure and its error among the failed emails', async () => {
    const failed = (await failing.graphql('{ alerts(state: "failed", first: 10) { edges { node { id subject attempts lastError } } } }')).data.alerts.edges.map((e) => e.node);
    const alert = failed.find((a) => a.subject === 'Short code 55502 silent for 60 days');
    assert.ok(alert, JSON.stringify(failed));
    assert.equal(alert.attempts, 1);
    await signIn(page, failing.baseUrl, failing.adminToken);
    await page.getByTestId('role-badge').getByText('Admin').waitFor();
    await page.goto(`${failing.baseUrl}/alerts?state=failed`);
    const row = page.getByTestId(`alert-${alert.id}`);
    await row.waitFor();
    assert.equal(await row.getByTestId('alert-delivery').getAttribute('data-delivery'), 'failed');
    assert.equal(await row.getByTestId('alert-delivery-state').textContent(), 'Failed after 1 attempt');
    assert.equal(await row.getByTestId('alert-last-error').textContent(), alert.lastError);
    await waitUntil(() => page.getByTestId('alerts-state').inputValue(), 'Failed');
    await screenshot(page, '45-alert-email-failed');
  });

  it('threw no uncaught errors in the page', () => {
    assert.deepEqual(errors, []);
  });
});
