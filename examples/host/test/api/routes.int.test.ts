// Every JSON route of the host, over real HTTP against a whole host (SQLite, emulators, outbox):
// the happy path and the 401 / 400 (field named) / 404 / 415 paths, and nothing half-written.
import { reveal } from '@takeover/core';
import { buildServer } from '../../src/http/server.js';
import { call, cookieFrom, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { eventually } from '../support/eventually.js';
import { createUser, freshEmail } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

const admin = adminApi(() => host);
const errorOf = (json: unknown) => (json as { error: { kind: string; field?: string; reason: string } }).error;
const PASSWORD = 'Correct-Horse-9-Battery!';

const newUser = async (extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> => {
  const email = freshEmail('person');
  return { id: await createUser(host, { email, ...extra }), email };
};

describe('operations', () => {
  test('/healthz, /readyz and /metrics answer; metrics label routes by pattern, never by id', async () => {
    expect((await call(host, 'GET', '/healthz')).status).toBe(200);
    const ready = await call(host, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect((ready.json as { ready: boolean }).ready).toBe(true);
    await admin('GET', '/api/users/some-unknown-id-12345');
    const metrics = await call(host, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('takeover_http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('route="/api/users/:id"');
    expect(metrics.text).not.toContain('some-unknown-id-12345');
  });

  test('/readyz is 503 when the app is not ready, and when the app throws (without echoing why)', async () => {
    for (const ready of [
      () => Promise.resolve({ ready: false, checks: [{ name: 'event-store', ok: false, detail: 'down' }], pausedDirectories: [] }),
      () => Promise.reject(new Error('secret-ish detail')),
    ]) {
      const server = await buildServer({ ...host.app, ready });
      await server.listen({ port: 0, host: '127.0.0.1' });
      try {
        const address = server.server.address();
        const res = await call(
          { url: `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}` },
          'GET',
          '/readyz',
        );
        expect(res.status).toBe(503);
        expect(res.text).not.toContain('secret-ish');
      } finally {
        await server.close();
      }
    }
  });

  test('security headers and a request id on every response', async () => {
    const res = await call(host, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-abc.123' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    const other = await call(host, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('admin API authentication', () => {
  const routes: ReadonlyArray<readonly [string, string, unknown?]> = [
    ['DELETE', '/api/session'],
    ['GET', '/api/users'],
    ['POST', '/api/users', { email: 'x@example.org', givenName: 'X', familyName: 'Y', state: 'active' }],
    ['GET', '/api/users/u1'],
    ['PATCH', '/api/users/u1', { givenName: 'Z' }],
    ['POST', '/api/users/u1/state', { state: 'suspended' }],
    ['POST', '/api/users/u1/bindings', { directoryId: 'google' }],
    ['DELETE', '/api/users/u1/bindings/google'],
    ['GET', '/api/users/u1/audit'],
    ['GET', '/api/pushes/p1/why'],
    ['GET', '/api/directories'],
    ['PATCH', '/api/directories/google', { passwordPush: 'every-push' }],
    ['GET', '/api/no-such-route'],
  ];

  test.each(routes.map(([method, path, body]) => ({ method, path, body })))(
    '$method $path without a token, with a bad token, or with a portal cookie → 401 with WWW-Authenticate: Bearer',
    async ({ method, path, body }) => {
      for (const options of [
        {},
        { token: 'not-a-token' },
        { headers: { authorization: 'Basic YWRtaW46eA==' } },
        { cookie: 'takeover_portal=abc' },
      ]) {
        const res = await call(host, method, path, { ...options, ...(body === undefined ? {} : { body }) });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(errorOf(res.json).kind).toBe('unauthorized');
      }
    },
  );

  test('POST /api/session: the admin account gets a token that works, and logging out ends it; a wrong password is 401; a bad body 400', async () => {
    const first = host.app.firstStart;
    if (first === undefined) throw new Error('a fresh DATA_DIR is a first start');
    const bad = await call(host, 'POST', '/api/session', { body: { email: first.adminEmail, password: 'wrong-password' } });
    expect(bad.status).toBe(401);
    const missing = await call(host, 'POST', '/api/session', { body: { email: first.adminEmail } });
    expect(missing.status).toBe(400);
    expect(errorOf(missing.json).field).toBe('password');
    const ok = await call(host, 'POST', '/api/session', { body: { email: first.adminEmail, password: reveal(first.adminPassword) } });
    expect(ok.status).toBe(200);
    const { token } = ok.json as { token: string };
    expect(typeof token).toBe('string');
    expect((await call(host, 'GET', '/api/directories', { token })).status).toBe(200);
    expect((await call(host, 'DELETE', '/api/session', { token })).status).toBe(204);
    expect((await call(host, 'GET', '/api/directories', { token })).status).toBe(401);
  });
});

describe('users', () => {
  test('create → 201 { id }; get, patch, state, bindings, audit', async () => {
    const { id, email } = await newUser();
    const got = await admin('GET', `/api/users/${id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id, email, state: 'active' });

    const patched = await admin('PATCH', `/api/users/${id}`, { givenName: 'Renamed', jobTitle: 'Engineer' });
    expect(patched.status).toBe(200);
    expect((patched.json as { attributes: { givenName: string } }).attributes.givenName).toBe('Renamed');

    const suspended = await admin('POST', `/api/users/${id}/state`, { state: 'suspended' });
    expect(suspended.status).toBe(200);
    expect((suspended.json as { state: string }).state).toBe('suspended');
    expect((await admin('POST', `/api/users/${id}/state`, { state: 'active' })).status).toBe(200);

    const bound = await admin('POST', `/api/users/${id}/bindings`, { directoryId: 'google' });
    expect(bound.status).toBe(200);
    expect((bound.json as { directories: string[] }).directories).toContain('google');
    const unbound = await admin('DELETE', `/api/users/${id}/bindings/google`);
    expect(unbound.status).toBe(200);
    expect((unbound.json as { directories: string[] }).directories).not.toContain('google');

    const audit = await admin('GET', `/api/users/${id}/audit`);
    expect(audit.status).toBe(200);
    expect(Array.isArray((audit.json as { entries: unknown[] }).entries)).toBe(true);

    const search = await admin('GET', `/api/users?q=${encodeURIComponent(email)}`);
    expect(search.status).toBe(200);
    expect((search.json as { users: Array<{ id: string }> }).users.map((u) => u.id)).toContain(id);
  });

  test.each([
    [{}, 'email'],
    [{ email: 'not-an-email', givenName: 'A', familyName: 'B', state: 'active' }, 'email'],
    [{ email: 'a@example.org', givenName: '', familyName: 'B', state: 'active' }, 'givenName'],
    [{ email: 'a@example.org', givenName: 'A', familyName: 'B', state: 'gone' }, 'state'],
    [{ email: 'a@example.org', givenName: 'A', familyName: 'B', state: 'active', password: 42 }, 'password'],
    [{ email: 'a@example.org', givenName: 'A', familyName: 'B', state: 'active', surprise: true }, 'surprise'],
    [[1, 2], 'body'],
  ])('POST /api/users with %j → 400 naming %s', async (body, field) => {
    const res = await admin('POST', '/api/users', body);
    expect(res.status).toBe(400);
    expect(errorOf(res.json)).toMatchObject({ kind: 'invalid', field });
    expect(errorOf(res.json).reason.length).toBeGreaterThan(0);
  });

  test('bad input on the other routes → 400 naming the field', async () => {
    const { id } = await newUser();
    const cases: ReadonlyArray<readonly [string, string, unknown, string]> = [
      ['PATCH', `/api/users/${id}`, {}, 'body'],
      ['PATCH', `/api/users/${id}`, { email: 'nope' }, 'email'],
      ['POST', `/api/users/${id}/state`, { state: 'asleep' }, 'state'],
      ['POST', `/api/users/${id}/bindings`, { directoryId: 'Not An Id!' }, 'directoryId'],
      ['PATCH', '/api/directories/google', { passwordPush: 'sometimes' }, 'passwordPush'],
      ['PATCH', '/api/directories/google', { revokeSessionsOnPush: 'yes' }, 'revokeSessionsOnPush'],
      ['GET', '/api/users?limit=lots', undefined, 'limit'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await admin(method, path, body);
      expect({ path, status: res.status, field: errorOf(res.json).field }).toEqual({ path, status: 400, field });
    }
  });

  test('unknown ids → 404', async () => {
    const { id } = await newUser();
    for (const [method, path, body] of [
      ['GET', '/api/users/no-such-user'],
      ['PATCH', '/api/users/no-such-user', { givenName: 'X' }],
      ['POST', '/api/users/no-such-user/state', { state: 'active' }],
      ['POST', '/api/users/no-such-user/bindings', { directoryId: 'google' }],
      ['POST', `/api/users/${id}/bindings`, { directoryId: 'nowhere' }],
      ['DELETE', '/api/users/no-such-user/bindings/google'],
      ['GET', '/api/users/no-such-user/audit'],
      ['GET', '/api/pushes/no-such-push/why'],
      ['PATCH', '/api/directories/nowhere', { passwordPush: 'every-push' }],
      ['GET', '/api/nothing-here'],
    ] as ReadonlyArray<readonly [string, string, unknown?]>) {
      const res = await admin(method, path, body);
      expect({ path, method, status: res.status, kind: errorOf(res.json).kind }).toEqual({ path, method, status: 404, kind: 'not-found' });
    }
  });

  test('nothing half-written: a refused create leaves no user and the email free', async () => {
    const email = `half-${String(Date.now())}@example.org`;
    const bad = await admin('POST', '/api/users', {
      email,
      givenName: 'Half',
      familyName: 'Written',
      state: 'active',
      directories: ['google', 'nowhere'],
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const invalid = await admin('POST', '/api/users', {
      email,
      givenName: 'Half',
      familyName: 'Written',
      state: 'active',
      password: PASSWORD,
      extra: 1,
    });
    expect(invalid.status).toBe(400);
    const search = await admin('GET', `/api/users?q=${encodeURIComponent(email)}`);
    expect((search.json as { total: number }).total).toBe(0);
    const ok = await admin('POST', '/api/users', { email, givenName: 'Half', familyName: 'Written', state: 'active' });
    expect(ok.status).toBe(201);
    const again = await admin('POST', '/api/users', { email, givenName: 'Half', familyName: 'Written', state: 'active' });
    expect(again.status).toBe(409);
  });

  test('GET /api/pushes/:pushId/why explains a push from the audit', async () => {
    // A demo person (the Google emulator has the account the binding links to).
    const email = 'grace@example.com';
    const id = await createUser(host, {
      email,
      givenName: 'Grace',
      familyName: 'Hopper',
      password: PASSWORD,
      directories: ['google'],
    });
    // R3: the push runs behind the login.
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } })).status).toBe(200);
    const pushId = await eventually('a push in the audit', async () => {
      const audit = await admin('GET', `/api/users/${id}/audit`);
      const pushes = (audit.json as { pushes: Array<{ push: { pushId: string } }> }).pushes;
      return pushes[0]?.push.pushId;
    });
    const why = await admin('GET', `/api/pushes/${encodeURIComponent(pushId)}/why`);
    expect(why.status).toBe(200);
    expect(why.json).toMatchObject({ push: { pushId, directoryId: 'google' }, carriedBy: expect.any(Object) as unknown });
  });
});

describe('directories', () => {
  test('GET lists google and microsoft; PATCH changes the policy', async () => {
    const list = await admin('GET', '/api/directories');
    expect(list.status).toBe(200);
    const ids = (list.json as { directories: Array<{ id: string }> }).directories.map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['google', 'microsoft']));
    const patched = await admin('PATCH', '/api/directories/microsoft', { revokeSessionsOnPush: true });
    expect(patched.status).toBe(200);
    expect((patched.json as { policy: { revokeSessionsOnPush: boolean } }).policy.revokeSessionsOnPush).toBe(true);
  });
});

describe('request shape', () => {
  test('JSON only: other content types → 415, under /api, /portal/api and /demo', async () => {
    for (const path of ['/api/users', '/portal/api/login', '/portal/api/activate', '/demo/directories/google/verify']) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await call(host, 'POST', path, {
          token: host.adminToken,
          rawBody: 'email=a%40b.c&password=x',
          headers: { 'content-type': type },
        });
        expect({ path, type, status: res.status }).toEqual({ path, type, status: 415 });
        expect(errorOf(res.json).field).toBe('content-type');
      }
    }
  });

  test('bad JSON → 400 field body; an oversized body → 413; never a 5xx', async () => {
    const bad = await call(host, 'POST', '/portal/api/login', {
      rawBody: '{"email":"a@b.c","password":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.json)).toMatchObject({ kind: 'invalid', field: 'body' });
    const empty = await call(host, 'POST', '/portal/api/login', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    const big = await call(host, 'POST', '/api/users', {
      token: host.adminToken,
      rawBody: JSON.stringify({ email: 'x'.repeat(200_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const proto = await call(host, 'POST', '/portal/api/login', {
      rawBody: '{"__proto__":{"x":1},"email":"a","password":"b"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    const badUrl = await admin('GET', '/api/users/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(errorOf(badUrl.json)).toMatchObject({ kind: 'invalid', field: 'url' });
    const longId = await admin('GET', `/api/users/${'x'.repeat(5_000)}`);
    expect(longId.status).toBeLessThan(500);
  });

  test('unknown routes → JSON 404 under the API prefixes; HTML for a browser elsewhere', async () => {
    for (const path of ['/portal/api/nothing', '/demo/nothing']) {
      const res = await call(host, 'GET', path);
      expect(res.status).toBe(404);
      expect(errorOf(res.json).kind).toBe('not-found');
    }
    const page = await call(host, 'GET', '/no/such/page', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('portal JSON', () => {
  test('login sets an HttpOnly SameSite cookie; notifications and password change need it; logout ends it', async () => {
    const { email } = await newUser({ password: PASSWORD });
    const wrong = await call(host, 'POST', '/portal/api/login', { body: { email, password: 'Not-The-Password-1' } });
    expect(wrong.status).toBe(401);
    expect(cookieFrom(wrong, 'takeover_portal')).toBeUndefined();
    expect((await call(host, 'POST', '/portal/api/login', { body: { email } })).status).toBe(400);

    const login = await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ email });
    const setCookie = login.headers.getSetCookie().find((c) => c.startsWith('takeover_portal=')) ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = cookieFrom(login, 'takeover_portal') ?? '';

    expect((await call(host, 'GET', '/portal/api/notifications')).status).toBe(401);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie: 'takeover_portal=forged' })).status).toBe(401);
    const notes = await call(host, 'GET', '/portal/api/notifications', { cookie });
    expect(notes.status).toBe(200);
    expect(notes.json).toMatchObject({ items: expect.any(Array) as unknown, updating: expect.any(Array) as unknown });
    // A portal session is not an admin token.
    const token = decodeURIComponent(cookie.slice('takeover_portal='.length));
    expect((await call(host, 'GET', '/api/directories', { token })).status).toBe(401);

    const NEXT = 'Another-Horse-7-Staple!';
    expect((await call(host, 'POST', '/portal/api/password', { body: { current: PASSWORD, next: NEXT } })).status).toBe(401);
    const badField = await call(host, 'POST', '/portal/api/password', { cookie, body: { current: PASSWORD } });
    expect(badField.status).toBe(400);
    expect(errorOf(badField.json).field).toBe('next');
    const changed = await call(host, 'POST', '/portal/api/password', { cookie, body: { current: PASSWORD, next: NEXT } });
    expect(changed.status).toBe(204);
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: NEXT } })).status).toBe(200);

    expect((await call(host, 'POST', '/portal/api/logout', { cookie })).status).toBe(204);
    expect((await call(host, 'GET', '/portal/api/notifications', { cookie })).status).toBe(401);
  });

  test('activation: the mailed link sets the first password; a used or unknown token is 404; bad input 400', async () => {
    // An active user without a password, bound to a directory, gets the activation email (R2).
    const { email } = await newUser({ directories: ['google'] });
    const mail = await eventually('the activation mail', async () => {
      const res = await admin('GET', '/demo/mail');
      expect(res.status).toBe(200);
      return (res.json as { messages: Array<{ to: string; text: string }> }).messages.find((m) => m.to.includes(email));
    });
    const token = /[?&]token=([^\s&"<]+)/.exec(mail.text)?.[1];
    if (token === undefined) throw new Error(`no activation link in ${mail.text}`);
    expect((await call(host, 'POST', '/portal/api/activate', { body: { token: decodeURIComponent(token) } })).status).toBe(400);
    const ok = await call(host, 'POST', '/portal/api/activate', { body: { token: decodeURIComponent(token), password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(
      (await call(host, 'POST', '/portal/api/activate', { body: { token: decodeURIComponent(token), password: PASSWORD } })).status,
    ).toBe(404);
    expect((await call(host, 'POST', '/portal/api/activate', { body: { token: 'unknown-token', password: PASSWORD } })).status).toBe(404);
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } })).status).toBe(200);
  });
});

describe('demo', () => {
  test('a login pushes the password: /demo/directories/:id/verify says the emulator accepts it', async () => {
    const email = 'ada@example.com';
    await createUser(host, {
      email,
      givenName: 'Ada',
      familyName: 'Lovelace',
      password: PASSWORD,
      directories: ['google', 'microsoft'],
    });
    expect((await call(host, 'POST', '/portal/api/login', { body: { email, password: PASSWORD } })).status).toBe(200);
    for (const directory of ['google', 'microsoft']) {
      const verified = await eventually(
        `the password in ${directory}`,
        async () => {
          const res = await call(host, 'POST', `/demo/directories/${directory}/verify`, { body: { userKey: email, password: PASSWORD } });
          expect(res.status).toBe(200);
          const body = res.json as { matches: boolean; sessionsRevokedAt: string | null };
          return body;
        },
        (body) => body.matches,
      );
      expect(verified.matches).toBe(true);
    }
    const other = await call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: email, password: 'Not-It-1!' } });
    expect(other.json).toMatchObject({ matches: false });
    expect((await call(host, 'POST', '/demo/directories/nowhere/verify', { body: { userKey: email, password: PASSWORD } })).status).toBe(
      404,
    );
    expect(
      (await call(host, 'POST', '/demo/directories/google/verify', { body: { userKey: 'nobody@example.com', password: PASSWORD } })).status,
    ).toBe(404);
    const bad = await call(host, 'POST', '/demo/directories/google/verify', { body: { password: PASSWORD } });
    expect(errorOf(bad.json).field).toBe('userKey');
  });
});

describe('per-address rate limit on the routes that take a password', () => {
  test('past the limit → 429 with Retry-After, in the error shape', async () => {
    // A second server on the same app with a tiny limit.
    const server = await buildServer(host.app, { authRateLimit: { max: 2, timeWindowMs: 60_000 } });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = server.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const small = { url: `http://127.0.0.1:${String(port)}` };
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 3; i++) {
        last = await call(small, 'POST', '/portal/api/login', { body: { email: 'nobody@example.org', password: 'Whatever-1!' } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(errorOf(last?.json).kind).toBe('throttled');
      // Other routes are not limited.
      expect((await call(small, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
