// Starts the real service (the cargo-built binary, with its embedded UI) on free ports with a
// fresh SQLite database and the demo data, and a headless Debian Chromium driven by
// playwright-core. Screenshots go to target/e2e/.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const screenshotDir = join(repoRoot, 'target', 'e2e');
const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the service. `env` adds settings (`BACKOFFICE_*` variables), e.g. a carrier
 * connection that never connects, so messages stay queued.
 */
export async function startServer({ env: extraEnv = {} } = {}) {
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(repoRoot, process.env.CARGO_TARGET_DIR) : join(repoRoot, 'target');
  const bin = process.env.BACKOFFICE_BIN ?? join(targetDir, 'debug', 'backoffice');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build\` first (or set BACKOFFICE_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'bo-e2e-'));
  const adminToken = `e2e-${randomBytes(12).toString('hex')}`;
  // The service reads every BACKOFFICE_* variable as a setting and refuses unknown ones, so the
  // harness's own BACKOFFICE_BIN must not reach it.
  const { BACKOFFICE_BIN: _bin, ...env } = process.env;
  const child = spawn(
    bin,
    [
      '--database-url', `sqlite://${join(dir, 'db.sqlite')}?mode=rwc`,
      'serve', '--demo', '--http-addr', '127.0.0.1:0', '--smpp-addr', '127.0.0.1:0',
    ],
    {
      cwd: dir,
      env: {
        ...env,
        BACKOFFICE_ADMIN_TOKEN: adminToken,
        BACKOFFICE_MAIL__OUTBOX_DIR: join(dir, 'outbox'),
        RUST_LOG: process.env.RUST_LOG ?? 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // `listening http=127.0.0.1:PORT smpp=127.0.0.1:PORT` once both listen.
  const { baseUrl, smpp } = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the service did not start in 60 s:\n${stderr}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening http=(\S+) smpp=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const at = m[2].lastIndexOf(':');
        ok({ baseUrl: `http://${m[1]}`, smpp: { host: m[2].slice(0, at), port: Number(m[2].slice(at + 1)) } });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the service exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    baseUrl,
    /** The SMPP listener: `{ host, port }`. */
    smpp,
    adminToken,
    async graphql(query, variables = {}, key = adminToken) {
      const r = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return r.json();
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 10_000);
          child.on('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: \`apt-get install -y chromium\` (scripts/check does it)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'bo-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(15_000);
  mkdirSync(screenshotDir, { recursive: true });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is and fails on any serious or
 * critical violation, colour contrast included, naming each rule and the elements it found.
 * Contrast findings are also written to target/e2e/contrast.jsonl (one line per checked page
 * state) so a palette change can be reviewed across the app.
 */
export async function assertAccessible(page, label = page.url()) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    // Toasts come and go with earlier steps; they are checked where a test waits for one. With
    // a modal dialog open the page behind it is inert and dimmed: the dialog is what is checked.
    const dialogs = [...document.querySelectorAll('[role="dialog"][aria-modal="true"]')];
    const result = await window.axe.run(
      dialogs.length > 0 ? { include: dialogs, exclude: [['.mantine-Notifications-root']] } : { exclude: [['.mantine-Notifications-root']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] },
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, count: v.nodes.length, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  const contrast = violations.filter((v) => v.rule === 'color-contrast');
  if (contrast.length > 0) appendFileSync(join(screenshotDir, 'contrast.jsonl'), `${JSON.stringify({ page: label, ...contrast[0] })}\n`);
  assert.deepEqual(violations, [], `accessibility violations on ${label}:\n${JSON.stringify(violations, null, 2)}`);
}

/**
 * Saves a full-page screenshot under target/e2e/ and checks the page with axe-core first (every
 * page state a test records is also checked); `{ a11y: false }` skips the check.
 */
export async function screenshot(page, name, { a11y = true } = {}) {
  if (a11y) await assertAccessible(page, name);
  // Toasts of earlier steps would hide the page's own header.
  await page.screenshot({
    path: join(screenshotDir, `${name}.png`),
    fullPage: true,
    style: '.mantine-Notifications-root { display: none !important; }',
  });
}

/** Signs in on the sign-in page with an API key (the admin token or a created key). */
export async function signIn(page, baseUrl, key) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
