// Portal bookmarks over real HTTP against a whole host (SQLite, emulators, outbox): the admin's
// per-directory list (GET/PUT /api/directories/:id/bookmarks, https only, 400 naming the item, 404,
// 401, parallel duplicate PUTs) and the user's tiles (GET /portal/api/bookmarks, 401 without a session).
import { call, cookieFrom, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = adminApi(() => host);
const PASSWORD = 'Correct-Horse-9-Battery!';
const INTRANET = { name: 'Intranet', url: 'https://intranet.example.com/', icon: '🏠' };
const WIKI = { name: 'Wiki', url: 'https://wiki.example.com/start' };

describe('admin: /api/directories/:id/bookmarks', () => {
  test('an empty list at first; PUT replaces it in order; GET returns it', async () => {
    expect((await admin('GET', '/api/directories/microsoft/bookmarks')).json).toEqual([]);
    const put = await admin('PUT', '/api/directories/microsoft/bookmarks', [WIKI, INTRANET]);
    expect(put.status).toBe(200);
    expect((await admin('GET', '/api/directories/microsoft/bookmarks')).json).toEqual([WIKI, INTRANET]);
    expect((await admin('PUT', '/api/directories/microsoft/bookmarks', [INTRANET])).json).toEqual([INTRANET]);
    expect((await admin('GET', '/api/directories/microsoft/bookmarks')).json).toEqual([INTRANET]);
    expect((await admin('PUT', '/api/directories/microsoft/bookmarks', [])).json).toEqual([]);
  });

  test('anything but an https: address is 400 naming the item and the field, and changes nothing', async () => {
    await admin('PUT', '/api/directories/microsoft/bookmarks', [WIKI]);
    const cases: Array<[unknown, string]> = [
      [[INTRANET, { name: 'Old', url: 'http://old.example.com/' }], '[1].url'],
      [[{ name: 'X', url: 'javascript:alert(1)' }], '[0].url'],
      [[{ name: 'X', url: 'https://user:secret@example.com/' }], '[0].url'],
      [[INTRANET, WIKI, { name: 'X', url: 'https://x.example.com/', icon: 'http://img.example.com/x.png' }], '[2].icon'],
      [[{ name: '', url: 'https://x.example.com/' }], '[0].name'],
      [[{ url: 'https://x.example.com/' }], '[0].name'],
      [[{ name: 'X', url: 'https://x.example.com/', colour: 'red' }], '[0].colour'],
      [{ name: 'X', url: 'https://x.example.com/' }, 'body'],
      [Array.from({ length: 51 }, () => WIKI), 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await admin('PUT', '/api/directories/microsoft/bookmarks', body);
      expect([res.status, (res.json as { error: { field: string } }).error.field]).toEqual([400, field]);
    }
    expect((await admin('GET', '/api/directories/microsoft/bookmarks')).json).toEqual([WIKI]);
  });

  test('404 for an unknown directory, 401 without a token, 415 without JSON', async () => {
    expect((await admin('GET', '/api/directories/nowhere/bookmarks')).status).toBe(404);
    expect((await admin('PUT', '/api/directories/nowhere/bookmarks', [WIKI])).status).toBe(404);
    expect((await call(host, 'GET', '/api/directories/google/bookmarks')).status).toBe(401);
    expect((await call(host, 'PUT', '/api/directories/google/bookmarks', { body: [WIKI] })).status).toBe(401);
    expect(
      (
        await call(host, 'PUT', '/api/directories/google/bookmarks', {
          token: host.adminToken,
          rawBody: 'x',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
  });

  test('parallel duplicate PUTs of one list: all succeed and the list is stored once, in order', async () => {
    const list = [INTRANET, WIKI, { name: 'HR', url: 'https://hr.example.com/' }];
    const results = await Promise.all(Array.from({ length: 6 }, () => admin('PUT', '/api/directories/google/bookmarks', list)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await admin('GET', '/api/directories/google/bookmarks')).json).toEqual(list);
  });
});

describe('portal: GET /portal/api/bookmarks', () => {
  test('401 without a session', async () => {
    expect((await call(host, 'GET', '/portal/api/bookmarks')).status).toBe(401);
    expect((await call(host, 'GET', '/portal/api/bookmarks', { cookie: 'takeover_portal=forged' })).status).toBe(401);
  });

  test("tiles for each bound directory once the user is in sync there: its default apps, then the admin's bookmarks", async () => {
    await admin('PUT', '/api/directories/google/bookmarks', [INTRANET]);
    await admin('PUT', '/api/directories/microsoft/bookmarks', [WIKI]);
    // A demo person the Google emulator knows, bound to Google only.
    const email = 'grace@example.com';
    const id = await createUser(host, {
      email,
      givenName: 'Grace',
      familyName: 'Hopper',
      password: PASSWORD,
      directories: ['google'],
    });
    const login = await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = cookieFrom(login, 'takeover_portal');
    if (cookie === undefined) throw new Error('no portal session cookie');
    // R3: the push runs behind the login; the tiles show once Google has the platform password.
    const bindingsOf = async () =>
      (
        (await admin('GET', `/api/users/${id}`)).json as {
          bindings: Array<{ directoryId: string; state: string; takeoverComplete: boolean }>;
        }
      ).bindings;
    await eventually('the takeover at Google', bindingsOf, (bindings) => bindings[0]?.takeoverComplete === true);
    const tiles = await call(host, 'GET', '/portal/api/bookmarks', { cookie });
    expect(tiles.status).toBe(200);
    expect(tiles.json).toEqual([
      { name: 'Gmail', url: 'https://mail.google.com/', directoryId: 'google' },
      { name: 'Drive', url: 'https://drive.google.com/', directoryId: 'google' },
      { name: 'Calendar', url: 'https://calendar.google.com/', directoryId: 'google' },
      { ...INTRANET, directoryId: 'google' },
    ]);

    // Bound to Microsoft 365 too: no tile from there until the takeover there (the next login) is complete.
    expect((await admin('POST', `/api/users/${id}/bindings`, { directoryId: 'microsoft' })).status).toBe(200);
    await eventually('the Microsoft account found', bindingsOf, (bindings) => {
      const m = bindings.find((b) => b.directoryId === 'microsoft');
      return m !== undefined && m.state !== 'resolving';
    });
    expect((await call(host, 'GET', '/portal/api/bookmarks', { cookie })).json).toEqual(tiles.json);
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } })).status).toBe(200);
    await eventually('the takeover at Microsoft', bindingsOf, (bindings) => bindings.every((b) => b.takeoverComplete));
    expect((await call(host, 'GET', '/portal/api/bookmarks', { cookie })).json).toEqual([
      ...(tiles.json as unknown[]),
      { name: 'Outlook', url: expect.stringMatching(/^https:\/\//) as unknown, directoryId: 'microsoft' },
      { name: 'Teams', url: expect.stringMatching(/^https:\/\//) as unknown, directoryId: 'microsoft' },
      { name: 'OneDrive', url: expect.stringMatching(/^https:\/\//) as unknown, directoryId: 'microsoft' },
      { ...WIKI, directoryId: 'microsoft' },
    ]);
  });
});

describe('portal: POST /portal/api/notifications/dismiss', () => {
  test('401 without a session, 400 naming the field; parallel duplicate dismissals hide each notification once, for good', async () => {
    expect((await call(host, 'POST', '/portal/api/notifications/dismiss', { body: { all: true } })).status).toBe(401);
    // Grace (the test above) logged in and has the notification of the push to Google.
    const login = await call(host, 'POST', '/portal/api/login', { body: { email: 'grace@example.com', password: PASSWORD } });
    const cookie = cookieFrom(login, 'takeover_portal');
    if (cookie === undefined) throw new Error('no portal session cookie');
    const items = await eventually(
      'a notification',
      async () => ((await call(host, 'GET', '/portal/api/notifications', { cookie })).json as { items: Array<{ id: string }> }).items,
      (list) => list.length > 0,
    );
    for (const [body, field] of [
      [{ ids: [] }, 'ids'],
      [{ ids: [7] }, 'ids.0'],
      [{ all: false }, 'all'],
      [{ ids: ['a'], all: true }, 'body'],
      [[], 'body'],
    ] as const) {
      const res = await call(host, 'POST', '/portal/api/notifications/dismiss', { cookie, body });
      expect([res.status, (res.json as { error: { field: string } }).error.field]).toEqual([400, field]);
    }
    // Another user's (or a made-up) id is ignored.
    expect((await call(host, 'POST', '/portal/api/notifications/dismiss', { cookie, body: { ids: ['push/someone-else'] } })).json).toEqual({
      dismissed: 0,
    });
    const ids = items.map((i) => i.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(host, 'POST', '/portal/api/notifications/dismiss', { cookie, body: { ids } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const after = (await call(host, 'GET', '/portal/api/notifications', { cookie })).json as { items: Array<{ id: string }> };
    expect(after.items.filter((i) => ids.includes(i.id))).toEqual([]);
  });
});
