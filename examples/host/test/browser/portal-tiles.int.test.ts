// The portal a user starts the day from, in chromium at phone size: the app tiles of each directory
// the user is in sync with (defaults and the admin's bookmark), the user's directories in plain
// words, and no admin console or mail link for an end user. Screenshots under test-artifacts/browser.
import { currentTestName, describeBrowser, openWalk } from './support/browser.js';
import { consoleLogin, GOOGLE_LABEL, portalLogin, reloadUntil, startBrowserHost, type BrowserHost } from './support/host.js';
import { adminCall } from '../support/admin.js';
import { createUser } from '../support/users.js';

const PASSWORD = 'Correct-Horse-9-Battery!';

describeBrowser('portal tiles', (browser) => {
  let b: BrowserHost;
  beforeAll(async () => {
    b = await startBrowserHost();
  }, 60_000);
  afterAll(() => b.close());

  it('the admin sets a bookmark in the console; the portal shows the tiles and directories at phone size, without admin or mail links', async () => {
    // The admin sets the bookmark in the console: a wrong address is named by its line, then saved.
    const console = await openWalk(browser(), `${currentTestName()} console`);
    try {
      await consoleLogin(console, b);
      await console.step('bookmarks form refuses http:', async () => {
        await console.page.goto(`${b.host.url}/admin/directories`);
        await console.page
          .locator('#google-bookmarks')
          .fill('Intranet | https://intranet.example.com/ | 🏠\nOld | http://old.example.com/');
        await console.page.locator('form:has(#google-bookmarks) button').first().click();
        await console.page.getByText('on line 2, the address', { exact: false }).waitFor();
      });
      await console.step('bookmarks saved', async () => {
        await console.page.locator('#google-bookmarks').fill('Intranet | https://intranet.example.com/ | 🏠');
        await console.page.locator('form:has(#google-bookmarks) button').first().click();
        await console.page.getByText('Portal bookmarks saved (1).').waitFor();
      });
    } finally {
      await console.close();
    }
    expect((await adminCall(b.host, 'GET', '/api/directories/google/bookmarks')).json).toEqual([
      { name: 'Intranet', url: 'https://intranet.example.com/', icon: '🏠' },
    ]);
    await createUser(b.host, {
      email: 'grace@example.com',
      givenName: 'Grace',
      familyName: 'Hopper',
      password: PASSWORD,
      directories: ['google'],
    });
    const walk = await openWalk(browser(), currentTestName());
    try {
      await walk.page.setViewportSize({ width: 375, height: 740 });
      await portalLogin(walk, b, 'grace@example.com', PASSWORD);
      const { page } = walk;
      await walk.step('tiles once Google has the password', async () => {
        await reloadUntil(page, 'the Gmail tile', async () => (await page.getByRole('link', { name: 'Gmail' }).count()) === 1);
        for (const name of ['Gmail', 'Drive', 'Calendar', 'Intranet']) expect(await page.getByRole('link', { name }).count()).toBe(1);
        expect(await page.getByRole('link', { name: 'Outlook' }).count()).toBe(0);
        expect(await page.getByRole('link', { name: 'Intranet' }).getAttribute('href')).toBe('https://intranet.example.com/');
      });
      await walk.step('directories in plain words, no admin or mail link', async () => {
        expect(
          await page
            .locator('ul.directories li')
            .filter({ hasText: GOOGLE_LABEL })
            .filter({ hasText: 'Ready: your password works there' })
            .count(),
        ).toBe(1);
        expect(await page.getByRole('link', { name: 'Admin console' }).count()).toBe(0);
        expect(await page.getByRole('link', { name: 'Mail', exact: true }).count()).toBe(0);
      });
      await walk.step('dismiss all notifications', async () => {
        expect(await page.locator('ul.notifications li').count()).toBeGreaterThan(0);
        await page.getByRole('button', { name: 'Dismiss all' }).click();
        await page.waitForURL(`${b.host.url}/portal`);
        expect(await page.locator('ul.notifications li').count()).toBe(0);
        expect(await page.getByText('No recent notifications.').count()).toBe(1);
      });
      await walk.step('fits a phone screen (no sideways scrolling)', async () => {
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
      });
    } finally {
      await walk.close();
    }
  }, 90_000);
});
