// What the browser tests do on a test host: start it with our own pair of demo emulators (so a test
// can look inside them), log in through the real pages, wait for what happens behind a login, and
// ask the demo verify route whether a directory took a password.
import type { Page } from 'playwright-core';
import { reveal } from '@takeover/core';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { startDemoEmulators } from '../../../src/wiring/emulators.js';
import { eventually } from '../../support/eventually.js';
import { call, startTestHost, type TestHost } from '../../support/testHost.js';
import type { Walk } from './browser.js';

export const GOOGLE_LABEL = 'Google Workspace (example.com)';
export const MICROSOFT_LABEL = 'Microsoft 365 (example.com)';

export interface BrowserHost {
  readonly host: TestHost;
  readonly google: GoogleEmulator;
  readonly microsoft: EntraEmulator;
  readonly adminEmail: string;
  /** The admin account's generated password (this host's first start). */
  readonly adminPassword: string;
  readonly close: () => Promise<void>;
}

/** A test host (SQLite, outbox mail) on a demo emulator pair the test can inspect. */
export const startBrowserHost = async (): Promise<BrowserHost> => {
  const emulators = await startDemoEmulators({ scryptN: 1024 });
  const { google, microsoft } = emulators;
  let host: TestHost | undefined;
  // Closes the host, then the emulators even when the host's close throws.
  const close = async (): Promise<void> => {
    try {
      await host?.close();
    } finally {
      await emulators.close();
    }
  };
  try {
    if (google === undefined || microsoft === undefined) throw new Error('startDemoEmulators did not start both directories');
    host = await startTestHost({ emulators: { google, microsoft } });
    const first = host.app.firstStart;
    if (first === undefined) throw new Error('the test host did not create its admin account at its first start');
    return {
      host,
      google,
      microsoft,
      adminEmail: first.adminEmail,
      adminPassword: reveal(first.adminPassword),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
};

/** Reloads `page` until `check` (on the reloaded page) is true: for pages showing work done behind the request. */
export const reloadUntil = async (page: Page, what: string, check: () => Promise<boolean>): Promise<void> => {
  await eventually(
    what,
    async () => {
      if (await check()) return true;
      await page.reload();
      return false;
    },
    { everyMs: 400 },
  );
};

/** The page's HTML never holds the password (R14: only the form it was typed into, and not even that after posting). */
export const expectNoPassword = async (walk: Walk, ...passwords: ReadonlyArray<string>): Promise<void> => {
  const content = await walk.page.content();
  for (const p of passwords) expect(content.includes(p)).toBe(false);
};

/** The console's login form with the admin account; ends on the users list. */
export const consoleLogin = async (walk: Walk, b: BrowserHost): Promise<void> => {
  const { page } = walk;
  await walk.step('console login form', async () => {
    await page.goto(`${b.host.url}/admin/login`);
    await page.getByLabel('Email', { exact: true }).fill(b.adminEmail);
    await page.getByLabel('Password', { exact: true }).fill(b.adminPassword);
  });
  await walk.step('console users', async () => {
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${b.host.url}/admin`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Users');
  });
  await expectNoPassword(walk, b.adminPassword);
};

/** The portal's login form; ends on the portal's home page. */
export const portalLogin = async (walk: Walk, b: BrowserHost, email: string, password: string): Promise<void> => {
  const { page } = walk;
  await walk.step('portal login form', async () => {
    await page.goto(`${b.host.url}/portal/login`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
  });
  await walk.step('portal home after login', async () => {
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(`${b.host.url}/portal`);
    await expect(page.getByRole('status').filter({ hasText: 'You are logged in' }).count()).resolves.toBe(1);
  });
  await expectNoPassword(walk, password);
};

/** The notification the portal shows for a password push to `label` (followed, when the directory ended the sessions there, by a sentence saying so). */
export const passwordNotice = (label: string): string => `Your password was updated in ${label}.`;

/** On the portal home page: reloads until each of `labels` has a password notification. */
export const waitForPasswordNotices = (walk: Walk, labels: ReadonlyArray<string>, atLeast = 1): Promise<void> =>
  reloadUntil(walk.page, `password notifications for ${labels.join(' and ')}`, async () => {
    for (const label of labels) {
      if ((await walk.page.getByText(passwordNotice(label), { exact: false }).count()) < atLeast) return false;
    }
    return true;
  });

export interface Verified {
  readonly matches: boolean;
  readonly sessionsRevokedAt: string | null;
}

/** `POST /demo/directories/:id/verify`: does the emulated directory accept this password, and when were the user's sessions there ended. */
export const verify = async (b: BrowserHost, directoryId: 'google' | 'microsoft', userKey: string, password: string): Promise<Verified> => {
  const res = await call(b.host, 'POST', `/demo/directories/${directoryId}/verify`, { body: { userKey, password } });
  if (res.status !== 200) throw new Error(`verify ${directoryId} ${userKey}: HTTP ${String(res.status)} ${res.text}`);
  return res.json as Verified;
};

/** The console's new-user form, filled and submitted; returns the new user's id (from the page it lands on). */
export const createUserInConsole = async (
  walk: Walk,
  b: BrowserHost,
  user: {
    readonly email: string;
    readonly givenName: string;
    readonly familyName: string;
    readonly password?: string;
    readonly directories?: ReadonlyArray<string>;
  },
): Promise<string> => {
  const { page } = walk;
  await walk.step(`new user form ${user.email}`, async () => {
    await page.goto(`${b.host.url}/admin/users/new`);
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Given name', { exact: true }).fill(user.givenName);
    await page.getByLabel('Family name', { exact: true }).fill(user.familyName);
    await page.getByRole('radio', { name: 'Active' }).check();
    if (user.password !== undefined) await page.getByLabel('Password').fill(user.password);
    for (const label of user.directories ?? []) await page.getByRole('checkbox', { name: label }).check();
  });
  return walk.step(`user created ${user.email}`, async () => {
    await page.getByRole('button', { name: 'Create user', exact: true }).click();
    await page.waitForURL(/\/admin\/users\/[^/]+$/);
    await expect(
      page
        .getByRole('status')
        .filter({ hasText: `User ${user.email} created.` })
        .count(),
    ).resolves.toBe(1);
    if (user.password !== undefined) await expectNoPassword(walk, user.password);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(id).not.toBe('');
    return id;
  });
};

/**
 * The mails in the outbox page (`/mail`) addressed to `to`, by subject; reloads until `count` are
 * there. The outbox is the admin's (issue 17 #7): a browser without a console session logs in first,
 * as the demo's admin reading the outbox for the user would.
 */
export const waitForMails = async (walk: Walk, b: BrowserHost, to: string, count: number): Promise<ReadonlyArray<string>> => {
  const { page } = walk;
  await page.goto(`${b.host.url}/mail`);
  if (new URL(page.url()).pathname === '/admin/login') {
    await consoleLogin(walk, b);
    await page.goto(`${b.host.url}/mail`);
  }
  const rows = page.getByRole('row').filter({ has: page.getByRole('cell', { name: to, exact: true }) });
  await reloadUntil(page, `${String(count)} mails to ${to} in /mail`, async () => (await rows.count()) >= count);
  return Promise.all((await rows.all()).map(async (r) => (await r.getByRole('link').textContent()) ?? ''));
};

/** The demo's /check page: does `label`'s emulated directory accept `password` for `email`; the page's answer in words. */
export const checkInPage = async (
  walk: Walk,
  b: BrowserHost,
  label: string,
  email: string,
  password: string,
): Promise<{ readonly accepts: boolean; readonly sessions: string }> => {
  const { page } = walk;
  return walk.step(`check ${label}`, async () => {
    await page.goto(`${b.host.url}/check`);
    await page.getByLabel('Directory').selectOption({ label });
    await page.getByLabel('Account email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const answer = page.getByRole('status').filter({ hasText: label });
    await answer.waitFor();
    const text = (await answer.textContent()) ?? '';
    await expectNoPassword(walk, password);
    return { accepts: text.includes(`${label} accepts this password for ${email}.`), sessions: text };
  });
};
