// Fuzzed bodies, headers and ids against every JSON route (fast-check, over real HTTP):
// whatever comes in, the answer is never a 5xx, and every 4xx under the API prefixes has the
// `{ error: { kind, reason } }` shape.
import fc from 'fast-check';
import { startTestHost, type TestHost } from '../support/testHost.js';
import { createUser, portalLogin } from '../support/users.js';

let host: TestHost;
let userId = '';
let portalCookie = '';
beforeAll(async () => {
  // A generous per-address limit, so the run reaches the handlers instead of stopping at 429.
  host = await startTestHost({ server: { authRateLimit: { max: 100_000, timeWindowMs: 60_000 } } });
  const email = 'fuzz-target@example.org';
  userId = await createUser(host, { email, givenName: 'Fuzz', familyName: 'Target', password: 'Fuzz-Target-Password-1!' });
  portalCookie = (await portalLogin(host, email, 'Fuzz-Target-Password-1!')).session;
}, 60_000);
afterAll(async () => {
  await host.close();
});

const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/api/session'],
  ['DELETE', '/api/session'],
  ['GET', '/api/users'],
  ['POST', '/api/users'],
  ['GET', '/api/users/:id'],
  ['PATCH', '/api/users/:id'],
  ['POST', '/api/users/:id/state'],
  ['POST', '/api/users/:id/bindings'],
  ['DELETE', '/api/users/:id/bindings/:id'],
  ['GET', '/api/users/:id/audit'],
  ['GET', '/api/pushes/:id/why'],
  ['GET', '/api/directories'],
  ['PATCH', '/api/directories/:id'],
  ['POST', '/api/users/:id/activation-mail'],
  ['GET', '/api/rollout'],
  ['POST', '/api/bulk'],
  ['GET', '/api/jobs/:id'],
  ['POST', '/portal/api/login'],
  ['POST', '/portal/api/logout'],
  ['POST', '/portal/api/activate'],
  ['POST', '/portal/api/password'],
  ['GET', '/portal/api/notifications'],
  ['POST', '/demo/directories/:id/verify'],
  ['POST', '/demo/directories/:id/users/:id/password'],
  ['GET', '/demo/mail'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['GET', '/api/:id'],
  ['PUT', '/api/users/:id'],
  ['OPTIONS', '/api/users'],
  ['HEAD', '/api/directories'],
];

const FIELDS = [
  'email',
  'password',
  'givenName',
  'familyName',
  'displayName',
  'state',
  'directoryId',
  'directories',
  'token',
  'current',
  'next',
  'userKey',
  'passwordPush',
  'revokeSessionsOnPush',
  'action',
  'userIds',
  'filter',
  'dryRun',
  '__proto__',
  'constructor',
];

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    'google',
    'microsoft',
    'active',
    'staged',
    'suspended',
    'every-push',
    'when-changed',
    'ada@example.com',
    'fuzz-target@example.org',
    '',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

const body = fc.oneof(
  { arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((o) => JSON.stringify(o)), weight: 5 },
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.constantFrom('', '{', '[]', 'null', '"x"', '{"email":', '\u0000', '{"a":1}{"b":2}'), weight: 1 },
);

const id = fc.oneof(
  fc.constantFrom('google', 'microsoft', 'nowhere', '..', '%2e%2e', 'null', 'undefined', '0', '-1', 'a'.repeat(250)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }).map((s) => encodeURIComponent(s)),
  fc.constant('__USER__'),
);

const header = fc.string({ unit: 'grapheme-ascii', maxLength: 80 });

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/jsonx',
    ),
    weight: 2,
  },
  { arbitrary: header, weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const auth = fc.oneof(
  { arbitrary: fc.constant('__ADMIN__'), weight: 6 },
  { arbitrary: fc.constant<string | undefined>(undefined), weight: 1 },
  { arbitrary: header.map((h) => `Bearer ${h}`), weight: 1 },
  { arbitrary: header, weight: 1 },
);

const cookie = fc.oneof(
  { arbitrary: fc.constant('__PORTAL__'), weight: 4 },
  { arbitrary: fc.constant<string | undefined>(undefined), weight: 2 },
  { arbitrary: header, weight: 1 },
  { arbitrary: header.map((h) => `takeover_portal=${h}; takeover_admin=${h}`), weight: 1 },
);

test('fuzzed bodies, headers and ids never get a 5xx', async () => {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ROUTES),
      fc.array(id, { minLength: 2, maxLength: 2 }),
      body,
      contentType,
      auth,
      cookie,
      header,
      async ([method, pattern], ids, payload, type, authorization, cookieHeader, accept) => {
        let k = 0;
        const url = pattern.replace(/:id/g, () => {
          const v = ids[k++] ?? 'x';
          return v === '__USER__' ? userId : v;
        });
        const headers: Record<string, string> = { accept };
        if (type !== undefined) headers['content-type'] = type;
        if (authorization !== undefined)
          headers.authorization = authorization === '__ADMIN__' ? `Bearer ${host.adminToken}` : authorization;
        if (cookieHeader !== undefined) headers.cookie = cookieHeader === '__PORTAL__' ? portalCookie : cookieHeader;
        const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method);
        const res = await fetch(`${host.url}${url}`, { method, headers, redirect: 'manual', ...(hasBody ? { body: payload } : {}) });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${method} ${url} → ${String(res.status)}: ${text}`);
        const path = url.split('?', 1)[0] ?? '';
        if (res.status >= 400 && method !== 'HEAD' && /^\/(api|portal\/api|demo)\//.test(path)) {
          const parsed = JSON.parse(text) as { error?: { kind?: unknown; reason?: unknown } };
          expect(typeof parsed.error?.kind).toBe('string');
          expect(typeof parsed.error?.reason).toBe('string');
        }
      },
    ),
    { numRuns: 500 },
  );
  // The run reached the handlers, not only the front door.
  expect([...seen.keys()].some((s) => s < 300)).toBe(true);
  expect(seen.get(400) ?? 0).toBeGreaterThan(0);
}, 120_000);
