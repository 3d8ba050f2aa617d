// Issue 14: the portal's notifications "only grow" no more — only the recent groups show (at most
// RECENT_NOTIFICATION_GROUPS, newest first), and dismissing one lets the next older one in. Over
// real HTTP against a whole host: a user changes their password again and again in the portal, each
// change pushed to Google Workspace and told in a notification.
import { RECENT_NOTIFICATION_GROUPS } from '../../src/app/portal.js';
import { call, cookieFrom, startTestHost, type TestHost } from '../support/testHost.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const EMAIL = 'hedy@example.com';
const passwordOf = (n: number) => `Frequency-Hopping-${String(n)}-Torpedo`;

interface Notes {
  readonly groups: ReadonlyArray<{ readonly id: string; readonly notifications: ReadonlyArray<{ readonly message: string }> }>;
  readonly items: ReadonlyArray<{ readonly id: string }>;
}

test(`only the ${String(RECENT_NOTIFICATION_GROUPS)} most recent groups show, newest first; dismissing one brings the next older one back into view`, async () => {
  await createUser(host, { email: EMAIL, givenName: 'Hedy', familyName: 'Lamarr', password: passwordOf(0), directories: ['google'] });
  const login = await call(host, 'POST', '/portal/api/login', { body: { email: EMAIL, password: passwordOf(0) } });
  expect(login.status).toBe(200);
  const cookie = cookieFrom(login, 'takeover_portal');
  if (cookie === undefined) throw new Error('no portal session cookie');
  const notes = async (): Promise<Notes> => {
    const res = await call(host, 'GET', '/portal/api/notifications', { cookie });
    expect(res.status).toBe(200);
    return res.json as Notes;
  };
  const verifies = async (password: string) =>
    ((await call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: EMAIL, password } })).json as { matches: boolean })
      .matches;
  // The takeover at the first login: one group.
  await eventually('the first notification', notes, (n) => n.groups.length === 1);

  // Each change is pushed (and told) before the next, so each makes its own group.
  const changes = RECENT_NOTIFICATION_GROUPS + 2;
  const seen: string[][] = [];
  for (let n = 1; n <= changes; n++) {
    const res = await call(host, 'POST', '/portal/api/password', { cookie, body: { current: passwordOf(n - 1), next: passwordOf(n) } });
    expect(res.status).toBe(204);
    await eventually(`Google to take password ${String(n)}`, async () => ((await verifies(passwordOf(n))) ? true : undefined));
    const now = await eventually(
      `a new group after change ${String(n)}`,
      async () => {
        const ids = (await notes()).groups.map((g) => g.id);
        return ids;
      },
      (ids) => ids[0] !== seen[seen.length - 1]?.[0] && ids.length > 0,
    );
    seen.push(now);
  }
  // 1 + changes groups happened; the newest RECENT_NOTIFICATION_GROUPS show, newest first.
  const newestFirst = seen.map((ids) => ids[0] ?? '').reverse();
  expect(new Set(newestFirst).size).toBe(changes);
  const shown = (await notes()).groups.map((g) => g.id);
  expect(shown).toEqual(newestFirst.slice(0, RECENT_NOTIFICATION_GROUPS));

  // Dismissing the newest lets the next older one in: still at most RECENT_NOTIFICATION_GROUPS.
  const dismissed = await call(host, 'POST', '/portal/api/notifications/dismiss', { cookie, body: { ids: [shown[0]] } });
  expect(dismissed.status).toBe(200);
  expect((await notes()).groups.map((g) => g.id)).toEqual(newestFirst.slice(1, RECENT_NOTIFICATION_GROUPS + 1));
  // The portal page shows the same groups.
  const page = await fetch(`${host.url}/portal`, { headers: { cookie, accept: 'text/html' } });
  const html = await page.text();
  expect([...html.matchAll(/name="group" value="([^"]+)"/g)].map((m) => m[1])).toEqual(
    newestFirst.slice(1, RECENT_NOTIFICATION_GROUPS + 1),
  );
}, 180_000);
