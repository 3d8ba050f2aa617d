// The product brief's three flows, walked through the real pages in headless Chromium on a test
// host (SQLite, outbox mail, the demo emulators): an admin in the console, a user in the portal,
// the mail in /mail, and the directories checked through the demo verify route and the emulators.
// Screenshots of every step: test-artifacts/browser/<test>/<person>/.
import { call } from '../support/testHost.js';
import { describeBrowser, walksPerTest } from './support/browser.js';
import {
  GOOGLE_LABEL,
  MICROSOFT_LABEL,
  checkInPage,
  consoleLogin,
  createUserInConsole,
  expectNoPassword,
  passwordNotice,
  portalLogin,
  reloadUntil,
  startBrowserHost,
  verify,
  waitForMails,
  waitForPasswordNotices,
} from './support/host.js';
import type { BrowserHost } from './support/host.js';
import { adminCall } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

describeBrowser('browser: the three flows of the product brief', (browser) => {
  let b: BrowserHost;
  const walk = walksPerTest(browser);

  beforeAll(async () => {
    b = await startBrowserHost();
  }, 60_000);
  afterAll(async () => {
    await b.close();
  });

  it('1: an active user bound to both directories gets two mails, logs in, sees a notice per directory, and both directories take the password', async () => {
    const email = 'ada@example.com';
    const password = 'Quartz-Meadow-4821';
    const admin = await walk('admin');
    await consoleLogin(admin, b);
    const userId = await createUserInConsole(admin, b, { email, givenName: 'Ada', familyName: 'Lovelace', password });
    for (const label of [GOOGLE_LABEL, MICROSOFT_LABEL]) {
      await admin.step(`bound to ${label}`, async () => {
        await admin.page.getByRole('button', { name: `Bind ${label}`, exact: true }).click();
        // Binding may create an account there: the console asks first, naming it.
        await expect(admin.page.getByText(`This also links the account ${email} in ${label}`, { exact: false }).count()).resolves.toBe(1);
        await admin.page.getByRole('button', { name: `Bind to ${label}`, exact: true }).click();
        await admin.page.waitForURL(`${b.host.url}/admin/users/${encodeURIComponent(userId)}`);
        await expect(
          admin.page
            .getByRole('status')
            .filter({ hasText: `Bound to ${label}.` })
            .count(),
        ).resolves.toBe(1);
      });
    }

    const subjects = await admin.step('two mails in /mail', () => waitForMails(admin, b, email, 2));
    expect([...subjects].sort()).toEqual([
      `Log in to Takeover Demo to finish connecting ${GOOGLE_LABEL}`,
      `Log in to Takeover Demo to finish connecting ${MICROSOFT_LABEL}`,
    ]);
    await admin.step('a binding mail', async () => {
      await admin.page.getByRole('link', { name: `Log in to Takeover Demo to finish connecting ${MICROSOFT_LABEL}` }).click();
      await expect(
        admin.page.getByText('log in to Takeover Demo once with your Takeover Demo password', { exact: false }).count(),
      ).resolves.toBe(1);
    });
    await expectNoPassword(admin, password);

    // Nothing reached a directory before the login (R1, R3).
    expect((await verify(b, 'google', email, password)).matches).toBe(false);
    expect((await verify(b, 'microsoft', email, password)).matches).toBe(false);

    const loginAt = new Date().toISOString();
    const user = await walk('user');
    await portalLogin(user, b, email, password);
    await user.step('a notice per directory', () => waitForPasswordNotices(user, [GOOGLE_LABEL, MICROSOFT_LABEL]));
    await expectNoPassword(user, password);

    // Microsoft 365: every password set is a reset, so its sessions ended. Google: a password set alone
    // ends no session (the directory's policy does not ask for users.signOut here), and nobody says otherwise.
    const google = await checkInPage(user, b, GOOGLE_LABEL, email, password);
    expect(google.accepts).toBe(true);
    expect(google.sessions).toContain('Its sessions there were never ended');
    const microsoft = await checkInPage(user, b, MICROSOFT_LABEL, email, password);
    expect(microsoft.accepts).toBe(true);
    expect(microsoft.sessions).toContain('Its sessions there were last ended');
    for (const directoryId of ['google', 'microsoft'] as const) expect((await verify(b, directoryId, email, password)).matches).toBe(true);
    const seen = await verify(b, 'microsoft', email, password);
    expect(seen.sessionsRevokedAt).not.toBeNull();
    expect(seen.sessionsRevokedAt! >= loginAt).toBe(true);
    expect(b.google.user(email)?.signOutCount).toBe(0);
    expect(b.microsoft.user(email)?.revocationCount).toBeGreaterThanOrEqual(1);

    await admin.step('console shows both in sync and the login', async () => {
      await admin.page.goto(`${b.host.url}/admin/users/${encodeURIComponent(userId)}`);
      const rows = admin.page.getByRole('table', { name: 'Directories' }).getByRole('row');
      for (const label of [GOOGLE_LABEL, MICROSOFT_LABEL])
        await expect(rows.filter({ hasText: label }).filter({ hasText: 'In sync' }).count()).resolves.toBe(1);
      const logins = admin.page.getByRole('table', { name: 'Logins' });
      await expect(logins.getByText(GOOGLE_LABEL).count()).resolves.toBeGreaterThanOrEqual(1);
      await expect(logins.getByText(MICROSOFT_LABEL).count()).resolves.toBeGreaterThanOrEqual(1);
    });
    expect(user.pageErrors).toEqual([]);
  }, 60_000);

  it('2: a new user without a password gets the activation mail, sets a password from its link, logs in, and both directories take it', async () => {
    const email = 'grace@example.com';
    const password = 'Cobalt-Harbour-7352';
    const admin = await walk('admin');
    await consoleLogin(admin, b);
    await createUserInConsole(admin, b, { email, givenName: 'Grace', familyName: 'Hopper', directories: [GOOGLE_LABEL, MICROSOFT_LABEL] });
    await expect(admin.page.getByRole('status').filter({ hasText: 'An activation email was sent.' }).count()).resolves.toBe(1);

    const user = await walk('user');
    const subjects = await user.step('the activation mail in /mail', () => waitForMails(user, b, email, 1));
    expect(subjects).toEqual(['Activate your Takeover Demo account']);
    await user.step('the activation mail', async () => {
      await user.page.getByRole('link', { name: 'Activate your Takeover Demo account' }).click();
      await user.page.waitForURL(/\/mail\/.+/);
    });
    await user.step('the activation page from the link', async () => {
      await user.page.getByRole('link', { name: /\/portal\/activate\?token=/ }).click();
      await user.page.waitForURL(/\/portal\/activate\?token=/);
      await expect(user.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Set your password');
    });
    await user.step('live feedback on a weak password', async () => {
      await user.page.getByLabel('New password', { exact: true }).fill('short');
      await user.page.getByText('This password does not meet every rule yet.').waitFor();
    });
    await user.step('live feedback on the chosen password', async () => {
      await user.page.getByLabel('New password', { exact: true }).fill(password);
      await user.page.getByText('This password meets every rule.').waitFor();
    });
    await user.step('password set', async () => {
      await user.page.getByRole('button', { name: 'Set password', exact: true }).click();
      await user.page.waitForURL(`${b.host.url}/portal/login`);
      await expect(user.page.getByRole('status').filter({ hasText: 'Your password is set.' }).count()).resolves.toBe(1);
    });
    await expectNoPassword(user, password);

    await portalLogin(user, b, email, password);
    await user.step('a notice per directory', () => waitForPasswordNotices(user, [GOOGLE_LABEL, MICROSOFT_LABEL]));
    for (const directoryId of ['google', 'microsoft'] as const) expect((await verify(b, directoryId, email, password)).matches).toBe(true);

    await user.step('the used activation link is refused', async () => {
      await user.page.goto(`${b.host.url}/mail`);
      await user.page.getByRole('link', { name: 'Activate your Takeover Demo account' }).click();
      await user.page.getByRole('link', { name: /\/portal\/activate\?token=/ }).click();
      await expect(user.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This activation link is not valid');
    });
    expect(user.pageErrors).toEqual([]);
  }, 60_000);

  it('3: an attribute change resets the Microsoft 365 password at the next login under every-push; under when-changed it goes out without the password', async () => {
    const email = 'alan@example.com';
    const password = 'Granite-Falcon-9264';
    // Set-up through the API: a user taken over in both directories.
    const userId = await createUser(b.host, {
      email,
      givenName: 'Alan',
      familyName: 'Turing',
      password,
      directories: ['google', 'microsoft'],
    });
    const firstLogin = await call(b.host, 'POST', '/portal/api/login', { body: { email, password } });
    expect(firstLogin.status).toBe(200);
    await eventually(
      "the first login's pushes",
      async () =>
        (
          (await adminCall(b.host, 'GET', `/api/users/${encodeURIComponent(userId)}`)).json as {
            bindings?: ReadonlyArray<{ state: string }>;
          }
        ).bindings ?? [],
      (bindings) => bindings.length === 2 && bindings.every((x) => x.state === 'in-sync'),
    );
    const afterTakeover = b.microsoft.user(email);
    expect(afterTakeover?.passwordSetAt).not.toBeNull();

    // Under every-push (the default): the change waits for the next login, which resets the password.
    const admin = await walk('admin');
    await consoleLogin(admin, b);
    const userPage = `${b.host.url}/admin/users/${encodeURIComponent(userId)}`;
    await admin.step('job title changed', async () => {
      await admin.page.goto(userPage);
      await admin.page.getByLabel('Job title').fill('Cryptanalyst');
      await admin.page.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.page.waitForURL(userPage);
      await expect(admin.page.getByRole('status').filter({ hasText: 'Saved: Job title.' }).count()).resolves.toBe(1);
    });
    const microsoftRow = () => admin.page.getByRole('table', { name: 'Directories' }).getByRole('row').filter({ hasText: MICROSOFT_LABEL });
    await admin.step('owed until the next login', async () => {
      await expect(microsoftRow().getByText('Update pending (waits for the next login)').count()).resolves.toBe(1);
    });
    await new Promise((resolve) => {
      setTimeout(resolve, 500);
    });
    expect(b.microsoft.user(email)?.properties.jobTitle).not.toBe('Cryptanalyst');
    const beforeReset = await verify(b, 'microsoft', email, password);

    const user = await walk('user');
    await portalLogin(user, b, email, password);
    await user.step('the Microsoft 365 reset notice', () => waitForPasswordNotices(user, [MICROSOFT_LABEL], 2));
    const reset = b.microsoft.user(email);
    expect(reset?.properties.jobTitle).toBe('Cryptanalyst');
    expect((reset?.passwordSetAt ?? '') > (afterTakeover?.passwordSetAt ?? '~')).toBe(true);
    expect(reset?.revocationCount).toBeGreaterThan(afterTakeover?.revocationCount ?? Infinity);
    const afterReset = await verify(b, 'microsoft', email, password);
    expect(afterReset.matches).toBe(true);
    expect(afterReset.sessionsRevokedAt! > beforeReset.sessionsRevokedAt!).toBe(true);
    await admin.step('the push carried the password', async () => {
      await admin.page.goto(userPage);
      const pushes = admin.page.getByRole('table', { name: 'Pushes' }).getByRole('row').filter({ hasText: 'microsoft' });
      await expect(pushes.filter({ hasText: /The password and the profile, because/ }).count()).resolves.toBeGreaterThanOrEqual(2);
    });

    // Switch Microsoft 365 to when-changed in the console.
    await admin.step('directories page', async () => {
      await admin.page.getByRole('link', { name: 'Directories', exact: true }).first().click();
      await admin.page.waitForURL(`${b.host.url}/admin/directories`);
    });
    await admin.step('Microsoft 365 set to when-changed', async () => {
      const section = admin.page.getByRole('region', { name: MICROSOFT_LABEL });
      await section.getByRole('radio', { name: /When changed/ }).check();
      await section.getByRole('button', { name: 'Save policy', exact: true }).click();
      await admin.page.waitForURL(`${b.host.url}/admin/directories`);
      await expect(
        admin.page
          .getByRole('status')
          .filter({ hasText: `${MICROSOFT_LABEL}: password push when-changed` })
          .count(),
      ).resolves.toBe(1);
      await expect(
        admin.page
          .getByRole('region', { name: MICROSOFT_LABEL })
          .getByRole('radio', { name: /When changed/ })
          .isChecked(),
      ).resolves.toBe(true);
    });

    const beforeChange = b.microsoft.user(email);
    await admin.step('job title changed again', async () => {
      await admin.page.goto(userPage);
      await admin.page.getByLabel('Job title').fill('Mathematician');
      await admin.page.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.page.waitForURL(userPage);
    });
    // No login: the attribute-only push goes out by itself.
    await eventually('the attribute-only push to Microsoft 365', () => b.microsoft.user(email)?.properties.jobTitle === 'Mathematician');
    const after = b.microsoft.user(email);
    expect(after?.passwordSetAt).toBe(beforeChange?.passwordSetAt);
    expect(after?.revocationCount).toBe(beforeChange?.revocationCount);
    const noReset = await verify(b, 'microsoft', email, password);
    expect(noReset.matches).toBe(true);
    expect(noReset.sessionsRevokedAt).toBe(afterReset.sessionsRevokedAt);
    await admin.step('the push carried attributes only', async () => {
      await reloadUntil(
        admin.page,
        'Microsoft 365 in sync on the user page',
        async () => (await microsoftRow().filter({ hasText: 'In sync' }).count()) === 1,
      );
      const pushes = admin.page.getByRole('table', { name: 'Pushes' }).getByRole('row').filter({ hasText: 'microsoft' });
      await expect(pushes.filter({ hasText: /The profile only \(no password\), because/ }).count()).resolves.toBe(1);
    });
    await user.step('the profile notice, no new password notice', async () => {
      await reloadUntil(
        user.page,
        'the profile notice',
        async () => (await user.page.getByText(`Your profile was updated in ${MICROSOFT_LABEL}.`).count()) === 1,
      );
      await expect(user.page.getByText(passwordNotice(MICROSOFT_LABEL)).count()).resolves.toBe(2);
    });
  }, 60_000);
});
