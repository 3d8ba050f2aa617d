// Issue 14's wrong messages on the portal's password forms, through the real server: a refused
// activation or password change shows the refusal alone (never the green "meets every rule" next
// to it), and a link that no longer works says what to do. The refusals come from real parallel
// duplicates (a double click, two tabs): one outcome, the others refused without changing anything.
import { startTestHost, type TestHost } from '../support/testHost.js';
import { csrfOf, FormClient, type Page } from '../support/formClient.js';
import { activationToken, createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const STRONG = 'Correct-Horse-42-battery';
const GREEN = 'meets every rule';
const TABS = 4;

/** A new active user without a password, bound to both directories; its activation link's path. */
const pendingUser = async (email: string): Promise<string> => {
  await createUser(host, { email, givenName: 'Ada', familyName: 'Lovelace', directories: ['google', 'microsoft'] });
  return `/portal/activate?token=${encodeURIComponent(await activationToken(host, email))}`;
};

/** The text of the page's first alert (`<p … role="alert">`). */
const alertOf = (page: Page): string => /<p\b[^>]*\brole="alert"[^>]*>([^<]*)</.exec(page.body)?.[1] ?? '';

test('the same activation form sent from several tabs at once: one password is set; the others are refused without "meets every rule"', async () => {
  const email = 'ada-tabs@example.com';
  const path = await pendingUser(email);
  const user = new FormClient(host);
  const form = await user.get(path);
  expect(form.status).toBe(200);
  const token = /name="token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const csrf = csrfOf(form.body);

  const answers = await Promise.all(
    Array.from({ length: TABS }, () => user.post('/portal/activate', { _csrf: csrf, token, password: STRONG })),
  );
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses.filter((s) => s === 303)).toHaveLength(1);
  for (const refused of answers.filter((a) => a.status !== 303)) {
    // Refused inside the change (409, "Your password was not set: …") or, once the winner is done, the link is used (404).
    expect([404, 409]).toContain(refused.status);
    expect(refused.body).not.toContain(GREEN);
    expect(alertOf(refused)).toMatch(/^(Your password was not set: .+|This activation link was already used, .+)/);
  }
  // The password set is the one sent, once: the user logs in with it.
  const login = await new FormClient(host).submit('/portal/login', '/portal/login', { email, password: STRONG });
  expect(login.status).toBe(303);
  expect(login.location).toBe('/portal');

  // The used link says what to do: log in, or ask the administrator for a new link (the console has the button).
  const used = await new FormClient(host).get(path);
  expect(used.status).toBe(404);
  expect(used.body).not.toContain(GREEN);
  expect(alertOf(used)).toBe(
    'This activation link was already used, has expired, or was replaced by a newer one. If you already chose your password, log in. If not, ask your administrator to send you a new activation link (the console has a button for it), and use the newest email.',
  );
});

test('the same password change sent from two tabs at once: one change; the other is refused without "meets every rule"', async () => {
  const email = 'ada-change@example.com';
  const path = await pendingUser(email);
  const setup = new FormClient(host);
  const form = await setup.get(path);
  const token = /name="token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  expect((await setup.post('/portal/activate', { _csrf: csrfOf(form.body), token, password: STRONG })).status).toBe(303);

  const user = new FormClient(host);
  expect((await user.submit('/portal/login', '/portal/login', { email, password: STRONG })).status).toBe(303);
  const page = await user.get('/portal/password');
  const csrf = csrfOf(page.body);
  const next = `${STRONG}-2`;
  const answers = await Promise.all(
    Array.from({ length: TABS }, () => user.post('/portal/password', { _csrf: csrf, current: STRONG, next })),
  );
  expect(answers.filter((a) => a.status === 303)).toHaveLength(1);
  for (const refused of answers.filter((a) => a.status !== 303)) {
    // Refused while the winner holds the password (409), or after it (401: the current password is no longer the one typed).
    expect([401, 409]).toContain(refused.status);
    expect(refused.body).not.toContain(GREEN);
    expect(alertOf(refused)).toMatch(/^Your password was not changed/);
  }
  expect((await new FormClient(host).submit('/portal/login', '/portal/login', { email, password: next })).status).toBe(303);
  expect((await new FormClient(host).submit('/portal/login', '/portal/login', { email, password: STRONG })).status).toBe(401);
});
