// The portal's notifications grouped by the login that caused them, dismissed per group (two tabs at
// once: one state), and R16 in words through the whole host: a password changed in Microsoft 365
// outside the portal is told to the user after the login that set it back, and the audit log and
// the why page say it in one sentence; who did something is named one way.
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { csrfOf, FormClient, type Page } from '../support/formClient.js';
import { adminApi, adminConsole } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const PASSWORD = 'Portal-Password-9-Correct!';
const LABEL = 'Microsoft 365 (example.com)';
const DATE = '\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2} UTC';
const SET_BACK = `Your ${LABEL} password had been changed outside the portal; it is your portal password again.`;

interface Group {
  readonly id: string;
  readonly cause: string;
  readonly heading: string;
  readonly notifications: ReadonlyArray<{ readonly message: string }>;
}
interface Notes {
  readonly groups: ReadonlyArray<Group & { readonly notifications: ReadonlyArray<{ readonly at: string }> }>;
  readonly items: ReadonlyArray<{ readonly message: string }>;
}

const admin = adminApi(() => host);
const matches = async (userKey: string, password: string): Promise<boolean> =>
  ((await call(host, 'POST', '/demo/directories/microsoft/verify', { body: { userKey, password } })).json as { matches: boolean }).matches;

const notesOf = async (tab: FormClient): Promise<Notes> => {
  const r = await tab.get('/portal/api/notifications', { accept: 'application/json' });
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as Notes;
};
const logIn = async (tab: FormClient, email: string): Promise<void> => {
  const done = await tab.submit('/portal/login', '/portal/login', { email, password: PASSWORD });
  expect(done.status).toBe(303);
};
const groupIdsOn = (page: Page): ReadonlyArray<string> => [...page.body.matchAll(/name="group" value="([^"]+)"/g)].map((m) => m[1] ?? '');
const text = (page: Page): string => page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a password changed in Microsoft 365 outside the portal, set back at the next login', () => {
  const email = 'words-outside@example.com';
  let userId = '';
  let tab: FormClient;

  beforeAll(async () => {
    tab = new FormClient(host);
    userId = await createUser(host, {
      email,
      password: PASSWORD,
      givenName: 'Ada',
      familyName: 'Words',
      directories: ['microsoft'],
    });
    await logIn(tab, email);
    await eventually('Microsoft 365 to take the portal password', () => matches(email, PASSWORD));
    const pushedAt = await eventually('the first notification', async () => (await notesOf(tab)).groups[0]?.notifications[0]?.at);
    // Graph stamps whole seconds: a change in the same second as our push reads as ours (R16). A user
    // changes it later than that: wait until the clock is two whole seconds past our push.
    await eventually('a later second on the clock', () => Date.now() >= Math.floor(Date.parse(pushedAt) / 1000) * 1000 + 2000);
    const outside = await call(host, 'POST', `/demo/directories/microsoft/users/${encodeURIComponent(email)}/password`, {
      body: { password: 'Changed-In-Outlook-77!' },
    });
    expect(outside.status).toBe(200);
    // The next login (another device): it finds the change and sets the portal password back.
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } })).status).toBe(200);
    await eventually('the portal password set back in Microsoft 365', () => matches(email, PASSWORD));
    await eventually(
      'a second notification group',
      () => notesOf(tab),
      (notes) => notes.groups.length === 2,
    );
  }, 120_000);

  test('the portal groups the notifications by login, newest first, and tells what happened after the login that set it back', async () => {
    const notes = await notesOf(tab);
    expect(notes.groups.map((g) => g.cause)).toEqual(['login', 'login']);
    for (const g of notes.groups) expect(g.heading).toMatch(new RegExp(`^At your login on ${DATE}$`));
    expect(notes.groups[0]?.notifications.map((n) => n.message)).toEqual([
      expect.stringMatching(new RegExp(`^${SET_BACK.replace(/[().]/g, '\\$&')}`)),
    ]);
    expect(notes.groups[1]?.notifications.map((n) => n.message)).toEqual([
      expect.stringMatching(/^Your password was updated in Microsoft 365 \(example\.com\)\./),
    ]);
    expect(notes.items.map((n) => n.message)).toEqual(notes.groups.flatMap((g) => g.notifications.map((n) => n.message)));
    const page = await tab.get('/portal');
    expect(page.status).toBe(200);
    expect(text(page)).toMatch(new RegExp(`At your login on ${DATE}: ${SET_BACK.replace(/[().]/g, '\\$&')}`));
    expect(groupIdsOn(page)).toEqual(notes.groups.map((g) => g.id));
  });

  test('the audit log says it in one sentence (first half alone when noticed), and names who did things one way', async () => {
    const audit = await admin('GET', `/api/users/${encodeURIComponent(userId)}/audit`);
    expect(audit.status).toBe(200);
    const entries = (audit.json as { entries: ReadonlyArray<{ type: string; summary: string; by?: string }> }).entries;
    expect(entries.find((e) => e.type === 'ExternalPasswordChangeDetected')?.summary).toMatch(
      new RegExp(`^Changed in Microsoft 365 \\(example\\.com\\) outside the portal on ${DATE}$`),
    );
    expect(entries.map((e) => e.summary)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Changed in Microsoft 365 \\(example\\.com\\) outside the portal on ${DATE}; set back at the login on ${DATE}`),
      ),
    );
    expect(entries.find((e) => e.type === 'UserCreated')?.by).toBe('the API key (admin)');
    for (const e of entries) {
      expect(e.summary).not.toMatch(/version|external-change|microsoft\b|push\//);
      if (e.by !== undefined)
        expect(e.by).toMatch(
          /^(the API key|\S+@\S+) \(admin\)$|^an admin$|^the user(, in the portal|, from the activation email)?$|^the platform \(automatic\)$| in Microsoft 365 \(example\.com\)$/,
        );
    }
  });

  test('the console: the why page says the sentence; the user page has no codes, push ids or record versions', async () => {
    const console = await adminConsole(host);
    const user = await console.get(`/admin/users/${encodeURIComponent(userId)}`);
    expect(user.status).toBe(200);
    const words = text(user);
    expect(words).not.toMatch(/\(version \d+\)|external-change|attributes-changed|; takeover|push to microsoft|admin:|api-key/);
    expect(words).toContain('The password and the profile, because the password had been changed there outside the portal');
    expect(words).toContain('the API key (admin)');
    const pushes = [...user.body.matchAll(/href="\/admin\/pushes\/([^"]+)"/g)].map((m) => m[1] ?? '');
    const pages = await Promise.all(pushes.map((id) => console.get(`/admin/pushes/${id}`)));
    const why = pages.find((p) => text(p).includes('outside the portal on'));
    if (why === undefined) throw new Error('no why page tells of the change outside the portal');
    expect(text(why)).toMatch(
      new RegExp(`Changed in ${LABEL.replace(/[().]/g, '\\$&')} outside the portal on ${DATE}; set back at the login on ${DATE}\\.`),
    );
    expect(text(why)).not.toMatch(/ExternalPasswordChangeDetected|PortalLogin|external-change/);
    // The rollout overview counts the changes made outside the portal per directory: this one, in Microsoft 365 only.
    const rollout = await console.get('/admin/rollout');
    expect(rollout.status).toBe(200);
    const counted = (name: string) =>
      new RegExp(`<td class="external-changes">(\\d+)[^<]*<[^>]*>\\s*passwords changed in ${name.replace(/[().]/g, '\\$&')} outside`).exec(
        rollout.body,
      )?.[1];
    expect([counted(LABEL), counted('Google Workspace (example.com)')]).toEqual(['1', '0']);
  });

  test('two tabs dismiss the same group at once: one state, the other group stays; then the API dismisses the rest twice at once', async () => {
    const [one, two] = await Promise.all([tab.get('/portal'), tab.get('/portal')]);
    if (one === undefined || two === undefined) throw new Error('no page');
    const [newest, older] = groupIdsOn(one);
    if (newest === undefined || older === undefined) throw new Error('expected two groups on the page');
    const answers = await Promise.all([
      tab.post('/portal/notifications/dismiss', { group: newest, _csrf: csrfOf(one.body) }),
      tab.post('/portal/notifications/dismiss', { group: newest, _csrf: csrfOf(two.body) }),
    ]);
    expect(answers.map((a) => [a.status, a.location])).toEqual([
      [303, '/portal'],
      [303, '/portal'],
    ]);
    expect((await notesOf(tab)).groups.map((g) => g.id)).toEqual([older]);
    expect(groupIdsOn(await tab.get('/portal'))).toEqual([older]);

    // Bad input changes nothing and says what is wrong; someone else's id is ignored.
    const bad = await tab.postJson('/portal/api/notifications/dismiss', { ids: [5] }, { accept: 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('ids.0');
    const foreign = await tab.postJson('/portal/api/notifications/dismiss', { ids: ['not-mine#0'] }, { accept: 'application/json' });
    expect(JSON.parse(foreign.body)).toEqual({ dismissed: 0 });
    expect((await notesOf(tab)).groups.map((g) => g.id)).toEqual([older]);

    const both = await Promise.all(
      [1, 2].map(() => tab.postJson('/portal/api/notifications/dismiss', { ids: [older] }, { accept: 'application/json' })),
    );
    expect(both.map((r) => [r.status, JSON.parse(r.body) as unknown])).toEqual([
      [200, { dismissed: 1 }],
      [200, { dismissed: 1 }],
    ]);
    expect((await notesOf(tab)).groups).toEqual([]);
    expect(text(await tab.get('/portal'))).toContain('No recent notifications.');
  });
});
