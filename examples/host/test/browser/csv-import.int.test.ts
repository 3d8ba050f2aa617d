// Issue 14's CSV pages in a real browser (Debian chromium) with JavaScript disabled (plain form
// posts): a file with errors is checked (every problem by line, column and reason; nothing
// imported), the corrected file is checked (would create N), imported as a job from two tabs at
// once (one job), followed to its per-line results; then the user list filtered and exported.
// Screenshots of every step: test-artifacts/browser/<test>/.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { call } from '../support/testHost.js';
import { describeBrowser, walksPerTest } from './support/browser.js';
import { consoleLogin, reloadUntil, startBrowserHost } from './support/host.js';
import type { BrowserHost } from './support/host.js';

const USERS = 60;
const HEADER = 'email,givenName,familyName,state,directories,department';
const email = (i: number) => `csvwave-${String(i).padStart(3, '0')}@example.com`;
/** The good file: every third user in Sales, the others in Support; bound to Google. */
const goodRows = Array.from(
  { length: USERS },
  (_, i) => `${email(i)},Csv,Wave ${String(i)},active,google,${i % 3 === 0 ? 'Sales' : 'Support'}`,
);
const goodFile = [HEADER, ...goodRows].join('\r\n');
/** The same file with three mistakes: line 4 (an email), line 8 (a directory), line 12 (a state). */
const badFile = [
  HEADER,
  ...goodRows.map((row, i) => {
    if (i === 2) return row.replace(email(2), 'not-an-email');
    if (i === 6) return row.replace(',google,', ',gogle,');
    if (i === 10) return row.replace(',active,', ',retired,');
    return row;
  }),
].join('\r\n');

describeBrowser('browser: CSV import and export in the console (no JavaScript)', (browser) => {
  let b: BrowserHost;
  const walk = walksPerTest(browser);

  beforeAll(async () => {
    b = await startBrowserHost();
  }, 60_000);
  afterAll(async () => {
    await b.close();
  });

  const choose = (page: Page, name: string, text: string) =>
    page.getByLabel(/CSV file|The corrected file/).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  const usersMatching = async (text: string): Promise<number> =>
    (
      (await call(b.host, 'GET', `/api/users?q=${encodeURIComponent(text)}&limit=500`, { token: b.host.adminToken })).json as {
        total: number;
      }
    ).total;

  it(`imports ${String(USERS)} users: a dry run with errors, the fix, one job from two tabs, progress, results; then exports a filtered list`, async () => {
    const admin = await walk('admin', { javaScriptEnabled: false });
    await consoleLogin(admin, b);
    const { page } = admin;
    page.setDefaultTimeout(60_000);
    page.setDefaultNavigationTimeout(60_000);

    await admin.step('the import page, from the user list', async () => {
      await page.goto(`${b.host.url}/admin/users`);
      await page.getByRole('link', { name: 'Import users from a CSV file', exact: true }).click();
      await page.waitForURL(`${b.host.url}/admin/import`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Import users from a CSV file');
    });
    await admin.step('a file with three problems', async () => {
      await choose(page, 'wave.csv', badFile);
      await page.getByRole('button', { name: 'Check the file', exact: true }).click();
      await page.waitForURL(`${b.host.url}/admin/import/check`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('wave.csv: 3 problems');
      const rows = await page.getByRole('table', { name: 'Problems' }).getByRole('row').allTextContents();
      expect(rows).toHaveLength(4);
      const cells = await page
        .getByRole('table', { name: 'Problems' })
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
      expect(cells.map((c) => c.slice(0, 2))).toEqual([
        ['4', 'email'],
        ['8', 'directories'],
        ['12', 'state'],
      ]);
      expect(cells[1]?.[2]).toContain('gogle');
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        `Nothing was imported. Fix every line listed below (line 1 is the header) and check the file again. Once it is fixed, the lines without a problem would create ${String(USERS - 3)} users.`,
      );
    });
    expect(await usersMatching('csvwave-')).toBe(0);

    // Two tabs check the corrected file and confirm at the same time (a double click, a second admin tab): one job.
    const second = await admin.context.newPage();
    const checkGood = async (p: Page) => {
      if (p !== page) await p.goto(`${b.host.url}/admin/import`);
      await choose(p, 'wave-fixed.csv', goodFile);
      await p.getByRole('button', { name: 'Check the file', exact: true }).click();
      await p.waitForURL(`${b.host.url}/admin/import/check`);
    };
    await admin.step('the corrected file: no problems, would create 60', async () => {
      await checkGood(page);
      await checkGood(second);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('wave-fixed.csv: no problems');
      await expect(page.locator('#would-create').textContent()).resolves.toBe(`Importing it would create ${String(USERS)} users.`);
    });
    expect(await usersMatching('csvwave-')).toBe(0);
    await admin.step('confirmed in both tabs: one job, its progress', async () => {
      const confirm = (p: Page) => p.getByRole('button', { name: `Import: create ${String(USERS)} users`, exact: true }).click();
      await Promise.all([confirm(page), confirm(second)]);
      await Promise.all([page.waitForURL(/\/admin\/jobs\//), second.waitForURL(/\/admin\/jobs\//)]);
      expect(second.url()).toBe(page.url());
      await expect(page.locator('#job-progress').count()).resolves.toBe(1);
    });
    await second.close();
    await admin.step('the results, once done', async () => {
      await reloadUntil(
        page,
        'the import to finish',
        async () => (await page.getByRole('heading', { level: 1 }).textContent()) === 'Finished',
      );
      await expect(page.locator('#job-status').textContent()).resolves.toBe(`${String(USERS)} of ${String(USERS)} done, 0 failed.`);
      const results = page.getByRole('table', { name: 'Results' });
      await expect(results.getByRole('row').count()).resolves.toBe(USERS + 1);
      await expect(results.getByRole('row').nth(1).textContent()).resolves.toBe(`Line 2: ${email(0)}Doneline 2: created ${email(0)}`);
    });
    expect(await usersMatching('csvwave-')).toBe(USERS);

    await admin.step('the user list filtered to Sales', async () => {
      await page.goto(`${b.host.url}/admin/users?text=${encodeURIComponent('csvwave-')}&directoryId=google`);
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: `${String(USERS)} users match.` })
          .count(),
      ).resolves.toBe(1);
    });
    const exported = await admin.step('Export CSV carries the filter', async () => {
      const link = page.getByRole('link', { name: 'Export CSV (the users matching this filter)', exact: true });
      expect(await link.getAttribute('href')).toBe('/admin/users.csv?directoryId=google&text=csvwave-');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe('users.csv');
      return readFile(await download.path(), 'utf8');
    });
    const rowsOf = (text: string): string[][] => {
      const parsed: unknown = parse(text);
      return parsed as string[][];
    };
    const rows = rowsOf(exported);
    expect(rows[0]?.slice(0, 5)).toEqual(['email', 'displayName', 'state', 'passwordStatus', 'google']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: USERS }, (_, i) => email(i)));
    // A narrower filter exports only its users.
    const narrow = await call(b.host, 'GET', '/api/users.csv?text=csvwave-00', { token: b.host.adminToken });
    expect(
      rowsOf(narrow.text)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(Array.from({ length: 10 }, (_, i) => email(i)));
  }, 360_000);
});
