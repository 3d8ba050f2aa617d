// Attack: every route of the running server × {no credential, a wrong credential, the other
// audience's credential}, and every form × a missing or foreign CSRF token. The routes are read from
// the server itself, so a route added without a place in this table fails the suite.
import { reveal } from '@takeover/core';
import { buildServer } from '../../src/http/server.js';
import { routeAudiences } from '../../src/http/sessions.js';
import { FormClient } from '../support/formClient.js';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { createUser, freshEmail, portalLogin } from '../support/users.js';

type Audience = 'public' | 'admin-api' | 'admin-page' | 'portal-api' | 'portal-page' | 'demo';

/** Every route the host serves, by who may use it (method and pattern as Fastify registered them). */
const AUDIENCE: Readonly<Record<string, Audience>> = {
  'GET /': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /assets/style.css': 'public',
  'GET /assets/password-feedback.js': 'public',
  'GET /check': 'public',
  'POST /check': 'public',
  'POST /api/session': 'public',
  'GET /admin/login': 'public',
  'POST /admin/login': 'public',
  'POST /admin/logout': 'public',
  'GET /portal/login': 'public',
  'POST /portal/login': 'public',
  'POST /portal/logout': 'public',
  'POST /portal/api/login': 'public',
  'POST /portal/api/logout': 'public',
  'POST /portal/api/activate': 'public',
  'GET /portal/activate': 'public',
  'POST /portal/activate': 'public',
  'POST /portal/api/password-check': 'public',
  'POST /demo/directories/:id/verify': 'public',
  'DELETE /api/session': 'admin-api',
  'GET /api/users': 'admin-api',
  'POST /api/users': 'admin-api',
  'GET /api/users/:id': 'admin-api',
  'PATCH /api/users/:id': 'admin-api',
  'POST /api/users/:id/state': 'admin-api',
  'POST /api/users/:id/bindings': 'admin-api',
  'DELETE /api/users/:id/bindings/:directoryId': 'admin-api',
  'GET /api/users/:id/audit': 'admin-api',
  'GET /api/pushes/:pushId/why': 'admin-api',
  'GET /api/directories': 'admin-api',
  'PATCH /api/directories/:id': 'admin-api',
  'GET /demo/mail': 'demo',
  'POST /api/users/:id/activation-mail': 'admin-api',
  'GET /api/rollout': 'admin-api',
  'POST /api/bulk': 'admin-api',
  'GET /api/jobs/:jobId': 'admin-api',
  'POST /api/jobs/:jobId/cancel': 'admin-api',
  'GET /admin/rollout': 'admin-page',
  'GET /admin/users': 'admin-page',
  'POST /admin/bulk/preview': 'admin-page',
  'POST /admin/bulk': 'admin-page',
  'GET /admin/jobs/:jobId': 'admin-page',
  'POST /admin/jobs/:jobId/cancel': 'admin-page',
  'GET /admin/users.csv': 'admin-page',
  'GET /admin/import': 'admin-page',
  'POST /admin/import/check': 'admin-page',
  'POST /admin/import': 'admin-page',
  'POST /admin/users/:id/activation-mail': 'admin-page',
  'GET /admin': 'admin-page',
  'GET /admin/users/new': 'admin-page',
  'POST /admin/users/new': 'admin-page',
  'GET /admin/users/:id': 'admin-page',
  'POST /admin/users/:id/attributes': 'admin-page',
  'POST /admin/users/:id/state': 'admin-page',
  'POST /admin/users/:id/bind': 'admin-page',
  'POST /admin/users/:id/unbind': 'admin-page',
  'GET /admin/directories': 'admin-page',
  'POST /admin/directories/:id/policy': 'admin-page',
  'GET /admin/pushes/:pushId': 'admin-page',
  'GET /mail': 'admin-page',
  'GET /mail/:id': 'admin-page',
  'POST /portal/api/password': 'portal-api',
  'GET /portal/api/notifications': 'portal-api',
  'POST /api/users/import': 'admin-api',
  'GET /api/users.csv': 'admin-api',
  'GET /api/directories/:id/bookmarks': 'admin-api',
  'PUT /api/directories/:id/bookmarks': 'admin-api',
  'POST /admin/directories/:id/bookmarks': 'admin-page',
  'GET /portal/api/bookmarks': 'portal-api',
  'POST /portal/api/notifications/dismiss': 'portal-api',
  'POST /portal/notifications/dismiss': 'portal-page',
  // Demo mode only: the user changes their password in the emulated directory itself (R16), as /verify checks one there.
  'POST /demo/directories/:id/users/:userKey/password': 'public',
  'GET /portal': 'portal-page',
  'GET /portal/password': 'portal-page',
  'POST /portal/password': 'portal-page',
};

/** The routes from Fastify's route tree (`printRoutes`), HEAD left out (it follows GET). */
const routesOf = (host: TestHost): ReadonlyArray<string> => {
  const out: string[] = [];
  const stack: Array<{ depth: number; path: string }> = [];
  for (const line of host.server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│├└─]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (m === null) continue;
    const depth = (m[1] ?? '').length;
    while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= depth) stack.pop();
    const path = `${stack[stack.length - 1]?.path ?? ''}${m[2] ?? ''}`;
    stack.push({ depth, path });
    for (const method of (m[3] ?? '').split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
};

const concrete = (pattern: string): string => pattern.replace(/:directoryId/g, 'google').replace(/:[A-Za-z]+/g, 'some-id');

let host: TestHost;
let portalCookie = '';
let adminCookie = '';
let adminBearer = '';
beforeAll(async () => {
  host = await startTestHost();
  const email = freshEmail('audience');
  await createUser(host, { email, password: 'Audience-Horse-Battery-1!' });
  portalCookie = (await portalLogin(host, email, 'Audience-Horse-Battery-1!')).session;
  const first = host.app.firstStart;
  if (first === undefined) throw new Error('fresh DATA_DIR expected');
  const console = new FormClient(host);
  await console.submit('/admin/login', '/admin/login', { email: first.adminEmail, password: reveal(first.adminPassword) });
  adminCookie = `takeover_admin=${console.cookie('takeover_admin') ?? ''}`;
  adminBearer = (
    (await call(host, 'POST', '/api/session', { body: { email: first.adminEmail, password: reveal(first.adminPassword) } })).json as {
      token: string;
    }
  ).token;
}, 120_000);
afterAll(async () => {
  await host.close();
});

test('every route the server has is in the table (a new route must say who may use it)', () => {
  const unknown = routesOf(host).filter((r) => AUDIENCE[r] === undefined);
  expect(unknown).toEqual([]);
  expect(routesOf(host).length).toBeGreaterThan(40);
});

test("every route is registered in its audience's scope, so that audience's one resolver answers for it (src/http/sessions.ts)", () => {
  const registered = routeAudiences(host.server);
  expect(Object.fromEntries(routesOf(host).map((r) => [r, registered.get(r)]))).toEqual(
    Object.fromEntries(routesOf(host).map((r) => [r, AUDIENCE[r]])),
  );
});

test('a route registered outside any audience stops the server from starting', async () => {
  const server = await buildServer(host.app);
  server.get('/unowned', (_request, reply) => reply.send('no audience'));
  await expect(server.ready()).rejects.toThrow(/GET \/unowned/);
  await server.close().catch(() => undefined);
});

const protectedRoutes = (): ReadonlyArray<readonly [string, Audience]> => Object.entries(AUDIENCE).filter(([, a]) => a !== 'public');

describe.each(['no credential', 'a wrong credential', "the other audience's credential"] as const)('%s', (who) => {
  const credentialFor = (audience: Audience): Record<string, string> => {
    const admin = audience === 'admin-api' || audience === 'admin-page' || audience === 'demo';
    switch (who) {
      case 'no credential':
        return {};
      case 'a wrong credential':
        return admin
          ? { authorization: `Bearer ${'w'.repeat(43)}`, cookie: 'takeover_admin=forged.value' }
          : { cookie: 'takeover_portal=forged.value' };
      case "the other audience's credential":
        return admin
          ? // A real portal session: as the portal cookie, and signed the same way under the admin cookie's name.
            {
              cookie: `${portalCookie}; takeover_admin=${portalCookie.slice('takeover_portal='.length)}`,
              authorization: `Bearer ${decodeURIComponent(portalCookie.slice('takeover_portal='.length)).split('.')[0] ?? ''}`,
            }
          : // A real admin session (cookie and bearer), and the admin cookie's value under the portal cookie's name.
            {
              cookie: `${adminCookie}; takeover_portal=${adminCookie.slice('takeover_admin='.length)}`,
              authorization: `Bearer ${adminBearer}`,
            };
    }
  };

  test('refused on every protected route, before anything happens', async () => {
    for (const [route, audience] of protectedRoutes()) {
      const [method = 'GET', pattern = '/'] = route.split(' ');
      const isPage = audience.endsWith('-page');
      const res = await call(host, method, concrete(pattern), {
        headers: {
          ...credentialFor(audience),
          ...(isPage ? { accept: 'text/html' } : {}),
          ...(method === 'GET' || method === 'DELETE'
            ? {}
            : { 'content-type': isPage ? 'application/x-www-form-urlencoded' : 'application/json' }),
        },
        ...(method === 'GET' || method === 'DELETE' ? {} : { rawBody: isPage ? 'a=b' : '{}' }),
      });
      const refused = isPage
        ? (res.status === 303 && /\/(admin|portal)\/login/.test(res.headers.get('location') ?? '')) || res.status === 403
        : res.status === 401;
      expect({ route, status: res.status, refused }).toEqual({ route, status: res.status, refused: true });
    }
  });
});

test('every form refuses a POST without the CSRF token, and with a token from another browser', async () => {
  const forms = Object.entries(AUDIENCE).filter(
    ([r, a]) => r.startsWith('POST ') && (a.endsWith('-page') || (!r.includes('/api/') && !r.startsWith('POST /demo/'))),
  );
  expect(forms.length).toBeGreaterThan(10);
  const other = new FormClient(host);
  const page = await other.get('/portal/login');
  const foreignToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  expect(foreignToken).not.toBe('');
  for (const [route] of forms) {
    const path = concrete(route.slice('POST '.length));
    for (const body of ['email=a%40example.com&password=x', `_csrf=${encodeURIComponent(foreignToken)}&email=a%40example.com&password=x`]) {
      // The logged-in admin's and user's own cookies: only the token is missing or foreign.
      const res = await call(host, 'POST', path, {
        rawBody: body,
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: `${adminCookie}; ${portalCookie}` },
      });
      expect({ route, body: body.slice(0, 5), status: res.status }).toEqual({ route, body: body.slice(0, 5), status: 403 });
    }
  }
});
