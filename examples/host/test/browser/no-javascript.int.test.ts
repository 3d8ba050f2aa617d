// The portal works with JavaScript disabled: logging in (and seeing the pushes' notices) and
// activating an account from the mail's link are plain forms and links.
import { currentTestName, describeBrowser, openWalk } from './support/browser.js';
import type { Walk } from './support/browser.js';
import {
  GOOGLE_LABEL,
  MICROSOFT_LABEL,
  expectNoPassword,
  portalLogin,
  startBrowserHost,
  verify,
  waitForMails,
  waitForPasswordNotices,
} from './support/host.js';
import type { BrowserHost } from './support/host.js';
import { createUser } from '../support/users.js';

describeBrowser('browser: the portal without JavaScript', (browser) => {
  let b: BrowserHost;
  let walk: Walk | undefined;

  beforeAll(async () => {
    b = await startBrowserHost();
  }, 60_000);
  afterAll(async () => {
    await b.close();
  });
  afterEach(async () => {
    await walk?.close();
    walk = undefined;
  });

  const createBoundUser = (body: Readonly<Record<string, unknown>> & { readonly email: string }) =>
    createUser(b.host, { directories: ['google', 'microsoft'], ...body });

  it('log in and see a notice per directory', async () => {
    const email = 'katherine@example.com';
    const password = 'Orbit-Lantern-5817';
    await createBoundUser({ email, givenName: 'Katherine', familyName: 'Johnson', password });
    const w = (walk = await openWalk(browser(), currentTestName(), { javaScriptEnabled: false }));
    await portalLogin(w, b, email, password);
    await w.step('a notice per directory', () => waitForPasswordNotices(w, [GOOGLE_LABEL, MICROSOFT_LABEL]));
    for (const directoryId of ['google', 'microsoft'] as const) expect((await verify(b, directoryId, email, password)).matches).toBe(true);
    await w.step('logged out', async () => {
      await w.page.getByRole('button', { name: 'Log out', exact: true }).click();
      await w.page.waitForURL(`${b.host.url}/portal/login`);
    });
  }, 60_000);

  it("activate from the mail's link, then log in", async () => {
    const email = 'hedy@example.com';
    const password = 'Signal-Meadow-2946';
    await createBoundUser({ email, givenName: 'Hedy', familyName: 'Lamarr' });
    const w = (walk = await openWalk(browser(), currentTestName(), { javaScriptEnabled: false }));
    await w.step('the activation mail in /mail', () => waitForMails(w, b, email, 1));
    await w.step('the activation mail', async () => {
      await w.page.getByRole('link', { name: 'Activate your Takeover Demo account' }).click();
      await w.page.waitForURL(/\/mail\/.+/);
    });
    await w.step('the activation page', async () => {
      await w.page.getByRole('link', { name: /\/portal\/activate\?token=/ }).click();
      await w.page.waitForURL(/\/portal\/activate\?token=/);
    });
    await w.step('a password the directories refuse, checked on submit', async () => {
      await w.page.getByLabel('New password', { exact: true }).fill('short');
      await w.page.getByRole('button', { name: 'Set password', exact: true }).click();
      await w.page.getByRole('alert').filter({ hasText: 'does not meet every rule' }).waitFor();
    });
    await expectNoPassword(w, 'value="short"');
    await w.step('password set', async () => {
      await w.page.getByLabel('New password', { exact: true }).fill(password);
      await w.page.getByRole('button', { name: 'Set password', exact: true }).click();
      await w.page.waitForURL(`${b.host.url}/portal/login`);
    });
    await expectNoPassword(w, password);
    await portalLogin(w, b, email, password);
    await w.step('a notice per directory', () => waitForPasswordNotices(w, [GOOGLE_LABEL, MICROSOFT_LABEL]));
    for (const directoryId of ['google', 'microsoft'] as const) expect((await verify(b, directoryId, email, password)).matches).toBe(true);
  }, 60_000);
});
