// Issue 14's "resend activation" in a real browser (Debian chromium): a user's activation link is
// lost; the admin sends a new one from the user's page; the old link now says what to do instead of
// a dead end, and the new one sets the password, after which the user logs in and both directories
// take it. Screenshots of every step: test-artifacts/browser/<test>/<person>/.
import { call } from '../support/testHost.js';
import { describeBrowser, walksPerTest } from './support/browser.js';
import type { Walk } from './support/browser.js';
import {
  GOOGLE_LABEL,
  MICROSOFT_LABEL,
  consoleLogin,
  expectNoPassword,
  portalLogin,
  startBrowserHost,
  verify,
  waitForMails,
  waitForPasswordNotices,
} from './support/host.js';
import type { BrowserHost } from './support/host.js';
import { createUser } from '../support/users.js';

const EMAIL = 'lin@example.com';
const PASSWORD = 'Quartz-Meadow-4821';
const SUBJECT = 'Activate your Takeover Demo account';

describeBrowser('browser: resend activation', (browser) => {
  let b: BrowserHost;
  const walk = walksPerTest(browser);

  beforeAll(async () => {
    b = await startBrowserHost();
  }, 60_000);
  afterAll(async () => {
    await b.close();
  });

  /** The activation links in the mails to EMAIL, newest first, as /mail shows them. */
  const activationLinks = async (reader: Walk, count: number): Promise<ReadonlyArray<string>> => {
    const subjects = await waitForMails(reader, b, EMAIL, count);
    expect(subjects).toEqual(Array.from({ length: count }, () => SUBJECT));
    const { page } = reader;
    const hrefs = await page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: EMAIL, exact: true }) })
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    const links: string[] = [];
    for (const href of hrefs) {
      await page.goto(href);
      const link = page.getByRole('link', { name: /\/portal\/activate\?token=/ });
      // Each mail names both directories and when its link expires.
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain(`${GOOGLE_LABEL} and ${MICROSOFT_LABEL}`);
      expect(text).toContain('The link works once and expires 7 days after this email was sent.');
      links.push((await link.getAttribute('href')) ?? '');
    }
    return links;
  };

  it('a lost link: the admin sends a new one from the user page; the old one says what to do, the new one works', async () => {
    const userId = await createUser(b.host, { email: EMAIL, givenName: 'Lin', familyName: 'Chen', directories: ['google', 'microsoft'] });

    const mailbox = await walk('mailbox');
    const [first] = await mailbox.step('the first activation mail', () => activationLinks(mailbox, 1));

    const admin = await walk('admin');
    await consoleLogin(admin, b);
    await admin.step('the user page says the password waits for activation', async () => {
      await admin.page.goto(`${b.host.url}/admin/users?text=lin%40`);
      await admin.page.getByRole('link', { name: EMAIL, exact: true }).click();
      await admin.page.waitForURL(`${b.host.url}/admin/users/${encodeURIComponent(userId)}`);
      await expect(admin.page.getByText('Not set yet (waits for the activation email)').count()).resolves.toBeGreaterThanOrEqual(1);
    });
    await admin.step('send a new activation link', async () => {
      await admin.page.getByRole('button', { name: 'Send a new activation link', exact: true }).click();
      await expect(
        admin.page
          .getByRole('status')
          .filter({ hasText: `A new activation link was sent to ${EMAIL}. Links sent before no longer work.` })
          .count(),
      ).resolves.toBe(1);
    });

    const [newest, old] = await mailbox.step('two activation mails now', () => activationLinks(mailbox, 2));
    expect(old).toBe(first);
    expect(newest).not.toBe(first);

    const user = await walk('user');
    await user.step('the old link says what to do', async () => {
      await user.page.goto(old ?? '');
      await expect(user.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This activation link is not valid');
      await expect(user.page.getByRole('alert').textContent()).resolves.toBe(
        'This activation link was already used, has expired, or was replaced by a newer one. If you already chose your password, log in. If not, ask your administrator to send you a new activation link (the console has a button for it), and use the newest email.',
      );
      await expect(user.page.getByRole('link', { name: 'Log in', exact: true }).getAttribute('href')).resolves.toBe('/portal/login');
    });
    await user.step('the new link sets the password', async () => {
      await user.page.goto(newest ?? '');
      await expect(user.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Set your password');
      await user.page.getByLabel('New password', { exact: true }).fill(PASSWORD);
      await user.page.getByText('This password meets every rule.').waitFor();
      await user.page.getByRole('button', { name: 'Set password', exact: true }).click();
      await user.page.waitForURL(`${b.host.url}/portal/login`);
      await expect(user.page.getByRole('status').filter({ hasText: 'Your password is set.' }).count()).resolves.toBe(1);
    });
    await expectNoPassword(user, PASSWORD);
    await portalLogin(user, b, EMAIL, PASSWORD);
    await user.step('a notice per directory', () => waitForPasswordNotices(user, [GOOGLE_LABEL, MICROSOFT_LABEL]));
    for (const directoryId of ['google', 'microsoft'] as const) expect((await verify(b, directoryId, EMAIL, PASSWORD)).matches).toBe(true);

    // Now that the password is set, the user page has no resend button, and the API says why.
    await admin.step('no resend once the password is set', async () => {
      await admin.page.reload();
      await expect(admin.page.getByRole('button', { name: 'Send a new activation link', exact: true }).count()).resolves.toBe(0);
    });
    expect((await call(b.host, 'POST', `/api/users/${userId}/activation-mail`, { token: b.host.adminToken })).status).toBe(409);
    expect(user.pageErrors).toEqual([]);
  }, 120_000);
});
