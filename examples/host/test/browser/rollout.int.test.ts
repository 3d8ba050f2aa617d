// Issue 14 in a real browser (Debian chromium): a bulk bind of 200 users from the filtered user
// list — preview → confirm → progress → results — then the rollout overview's counts and their
// links to the filtered list, and resending an activation link from a user's page. Screenshots of
// every step: test-artifacts/browser/<test>/.
import { call } from '../support/testHost.js';
import { describeBrowser, walksPerTest } from './support/browser.js';
import { GOOGLE_LABEL, consoleLogin, reloadUntil, startBrowserHost } from './support/host.js';
import type { BrowserHost } from './support/host.js';
import { adminCall } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

const USERS = 200;

describeBrowser('browser: rollout overview, users at scale and bulk actions', (browser) => {
  let b: BrowserHost;
  const walk = walksPerTest(browser);

  beforeAll(async () => {
    b = await startBrowserHost();
    for (let i = 0; i < USERS; i++)
      await createUser(b.host, {
        email: `wave1-${String(i).padStart(3, '0')}@example.com`,
        givenName: 'Wave',
        familyName: `Member ${String(i)}`,
      });
  }, 180_000);
  afterAll(async () => {
    await b.close();
  });

  it(`binds ${String(USERS)} users matching a filter: preview, confirm, progress, per-user results; the overview counts them and links to them`, async () => {
    const admin = await walk('admin');
    await consoleLogin(admin, b);
    const { page } = admin;

    await admin.step('the filtered user list', async () => {
      await page.goto(`${b.host.url}/admin/users`);
      await page.getByLabel('Email or name contains').fill('wave1-');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: `${String(USERS)} users match.` })
          .count(),
      ).resolves.toBe(1);
      // Keyset pages of 50: a next page, and the first row of page two follows the last of page one.
      await expect(page.getByRole('checkbox').count()).resolves.toBe(50);
    });
    await admin.step('the next page', async () => {
      await page.getByRole('link', { name: 'Next page', exact: true }).click();
      await expect(page.getByRole('link', { name: 'wave1-050@example.com', exact: true }).count()).resolves.toBe(1);
      await page.getByRole('link', { name: 'First page', exact: true }).click();
      await expect(page.getByRole('link', { name: 'wave1-000@example.com', exact: true }).count()).resolves.toBe(1);
    });

    await admin.step('preview of binding everything matching', async () => {
      await page.getByLabel('Action', { exact: true }).selectOption('bind');
      await page.getByLabel('Directory (bind and unbind)').selectOption('google');
      await page.getByLabel(/Everything matching this filter/).check();
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await expect(
        page.getByText(`${String(USERS)} users targeted: ${String(USERS)} will change, 0 will be skipped.`).count(),
      ).resolves.toBe(1);
      await expect(page.getByText(`This binds ${String(USERS)} users to ${GOOGLE_LABEL}.`).count()).resolves.toBe(1);
      await expect(
        page.getByText(`This links ${String(USERS)} accounts in ${GOOGLE_LABEL} by email, creating those that do not exist.`).count(),
      ).resolves.toBe(1);
      await expect(page.getByText(`This sends ${String(USERS)} activation emails.`).count()).resolves.toBe(1);
    });
    // Nothing happened yet.
    const before = await call(b.host, 'GET', '/api/rollout', { token: b.host.adminToken });
    expect((before.json as { directories: Array<{ id: string; bound: number }> }).directories.find((d) => d.id === 'google')?.bound).toBe(
      0,
    );

    // The job runs in the same process as the pages (and the emulators create 200 accounts meanwhile):
    // generous bounds against a loaded machine, never a sleep.
    page.setDefaultTimeout(60_000);
    page.setDefaultNavigationTimeout(60_000);
    await admin.step('confirm: the job page shows progress', async () => {
      await page.getByRole('button', { name: /^Confirm: bind to a directory for 200 users$/ }).click();
      await page.waitForURL(/\/admin\/jobs\//);
      await expect(page.locator('#job-progress').count()).resolves.toBe(1);
    });
    const jobUrl = page.url();
    await admin.step('the results, once done', async () => {
      await reloadUntil(
        page,
        'the job to finish',
        async () => (await page.getByRole('heading', { level: 1 }).textContent()) === 'Finished',
      );
      await expect(page.locator('#job-status').textContent()).resolves.toBe(`${String(USERS)} of ${String(USERS)} done, 0 failed.`);
      await expect(page.getByRole('table', { name: 'Results' }).getByRole('row').count()).resolves.toBe(USERS + 1);
    });
    // The job can be left and come back to: a fresh context (another tab, after a reload) sees the same.
    const again = await walk('admin-later');
    await consoleLogin(again, b);
    await again.step('the job page again', async () => {
      await again.page.goto(jobUrl);
      await expect(again.page.locator('#job-status').textContent()).resolves.toBe(`${String(USERS)} of ${String(USERS)} done, 0 failed.`);
    });

    // The overview: every one of them bound to Google, counted, and the count opens the filtered list.
    const rollout = await call(b.host, 'GET', '/api/rollout', { token: b.host.adminToken });
    const google = (
      rollout.json as { directories: Array<{ id: string; bound: number; awaitingFirstLogin: number; pending: number; inFlight: number }> }
    ).directories.find((d) => d.id === 'google');
    expect(google?.bound).toBe(USERS);
    await admin.step('the overview', async () => {
      await page.goto(`${b.host.url}/admin`);
      await expect(page.getByRole('heading', { name: 'Rollout', exact: true }).count()).resolves.toBe(1);
      await expect(page.getByRole('img', { name: new RegExp(`^${GOOGLE_LABEL.replace(/[()]/g, '\\$&')}: `) }).count()).resolves.toBe(1);
    });
    await admin.step('a count opens the filtered list', async () => {
      await page.getByRole('link', { name: `${String(USERS)} bound to ${GOOGLE_LABEL}`, exact: true }).click();
      await page.waitForURL(/directoryId=google/);
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: `${String(USERS)} users match.` })
          .count(),
      ).resolves.toBe(1);
      await expect(page.getByLabel('Directory', { exact: true }).inputValue()).resolves.toBe('google');
    });
    await admin.step('the sync status filter', async () => {
      await page.getByLabel('Sync status').selectOption('in-sync');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await expect(page.getByRole('status').filter({ hasText: 'No users match.' }).count()).resolves.toBe(1);
    });

    await admin.step('resend an activation link from the user page', async () => {
      await page.goto(`${b.host.url}/admin/users?text=wave1-007`);
      await page.getByRole('link', { name: 'wave1-007@example.com', exact: true }).click();
      await page.getByRole('button', { name: 'Send a new activation link', exact: true }).click();
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: 'A new activation link was sent to wave1-007@example.com. Links sent before no longer work.' })
          .count(),
      ).resolves.toBe(1);
    });
    // Suspending names the Google account once the engine has linked it (account resolution runs behind the bind).
    const userId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await eventually(
      'the Google account to be linked',
      async () =>
        ((await adminCall(b.host, 'GET', `/api/users/${encodeURIComponent(userId)}`)).json as { bindings: Array<{ state: string }> })
          .bindings,
      (bindings) => bindings.every((x) => x.state !== 'resolving'),
    );
    await admin.step('suspending asks first, naming the account in the directory', async () => {
      await page.reload();
      await page.getByRole('button', { name: 'Suspend', exact: true }).click();
      await expect(page.getByText(`This also suspends wave1-007@example.com in ${GOOGLE_LABEL}.`).count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Suspend', exact: true }).click();
      await expect(page.getByRole('status').filter({ hasText: 'The user is now suspended.' }).count()).resolves.toBe(1);
    });
  }, 300_000);
});
