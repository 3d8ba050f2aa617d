// GET /api/users over real HTTP (SQLite read model, emulators): the console's filters, sort, order,
// limit and keyset cursor, answering { users, next, total }; 400 naming the bad parameter; 401
// without the admin token; paging through every user while others are created in parallel.
import { randomBytes } from 'node:crypto';
import { call, startTestHost, type TestHost } from '../support/testHost.js';
import { adminApi } from '../support/admin.js';
import { createUser } from '../support/users.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
}, 60_000);
afterAll(async () => {
  await host.close();
});

interface Entry {
  id: string;
  email: string;
  displayName: string;
  state: string;
  directories: string[];
  status: Array<{ directoryId: string; sync: string }>;
}
interface Page {
  users: Entry[];
  next?: string;
  total: number;
}

const admin = adminApi(() => host);
const errorOf = (json: unknown) => (json as { error?: { kind: string; field?: string; reason: string } }).error;
const tag = () => randomBytes(4).toString('hex');

const create = async (email: string, extra: Record<string, unknown> = {}): Promise<string> => {
  return createUser(host, { email, givenName: 'List', familyName: email.slice(0, 6), ...extra });
};

const page = async (query: Record<string, string>): Promise<Page> => {
  const res = await admin('GET', `/api/users?${new URLSearchParams(query).toString()}`);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  return res.json as Page;
};

/** Every page of a query, following `next` until there is none. */
const all = async (query: Record<string, string>, between?: () => Promise<void>): Promise<Entry[]> => {
  const out: Entry[] = [];
  let after: string | undefined;
  for (;;) {
    const p = await page({ ...query, ...(after === undefined ? {} : { after }) });
    out.push(...p.users);
    if (p.next === undefined) return out;
    after = p.next;
    if (between !== undefined) await between();
  }
};

test('GET /api/users needs the admin token (401)', async () => {
  expect((await call(host, 'GET', '/api/users')).status).toBe(401);
  expect((await call(host, 'GET', '/api/users?state=active', { token: 'not-the-token' })).status).toBe(401);
});

test('bad parameters → 400 naming the parameter', async () => {
  await Promise.all([create(`c1-${tag()}@example.org`), create(`c2-${tag()}@example.org`)]);
  const cursor = (await page({ limit: '1' })).next ?? '';
  expect(cursor).not.toBe('');
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['limit=lots', 'limit'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['sort=age', 'sort'],
    ['order=up', 'order'],
    ['state=gone', 'state'],
    ['state=active&state=staged', 'state'],
    ['sync=sideways', 'sync'],
    ['failingReason=auth', 'failingReason'],
    ['directoryId=nowhere', 'directoryId'],
    ['colour=red', 'colour'],
    ['text=a&q=b', 'q'],
    ['after=%%%', 'after'],
    ['after=bm90LWEtY3Vyc29y', 'after'],
    [`after=${cursor}&sort=name`, 'after'],
    [`after=${cursor}&offset=3`, 'offset'],
    ['offset=-1', 'offset'],
  ];
  for (const [qs, field] of cases) {
    const res = await admin('GET', `/api/users?${qs}`);
    expect({ qs, status: res.status, field: errorOf(res.json)?.field }).toEqual({ qs, status: 400, field });
    expect(errorOf(res.json)?.reason.length).toBeGreaterThan(5);
  }
});

test('filters, sort and order: the same users the console lists, with where each stands per directory', async () => {
  const t = tag();
  const active = await Promise.all([0, 1, 2, 3].map((i) => create(`act${String(i)}-${t}@example.org`)));
  const staged = await Promise.all([0, 1].map((i) => create(`stg${String(i)}-${t}@example.org`, { state: 'staged' })));
  const bound = await create(`bnd-${t}@example.org`, { directories: ['google'] });

  const everyone = await page({ text: t, limit: '500' });
  expect(everyone.total).toBe(7);
  expect(everyone.next).toBeUndefined();
  const emails = everyone.users.map((u) => u.email);
  expect(emails).toEqual([...emails].sort());
  expect(new Set(everyone.users.map((u) => u.id))).toEqual(new Set([...active, ...staged, bound]));

  const byQ = await page({ q: t.toUpperCase(), limit: '500' });
  expect(byQ.users.map((u) => u.id)).toEqual(everyone.users.map((u) => u.id));

  const desc = await page({ text: t, order: 'desc', limit: '500' });
  expect(desc.users.map((u) => u.email)).toEqual([...emails].reverse());

  const stagedPage = await page({ text: t, state: 'staged' });
  expect(stagedPage.total).toBe(2);
  expect(new Set(stagedPage.users.map((u) => u.id))).toEqual(new Set(staged));

  const inGoogle = await page({ text: t, directoryId: 'google' });
  expect(inGoogle.users.map((u) => u.id)).toEqual([bound]);
  const row = inGoogle.users[0];
  expect(row?.directories).toEqual(['google']);
  expect(row?.status.map((s) => s.directoryId)).toEqual(['google']);
  const sync = row?.status[0]?.sync ?? '';
  expect((await page({ text: t, directoryId: 'google', sync })).users.map((u) => u.id)).toEqual([bound]);
  const other = sync === 'in-sync' ? 'failing' : 'in-sync';
  expect(await page({ text: t, directoryId: 'google', sync: other })).toEqual({ users: [], total: 0 });

  // The older offset still works, walked by keyset.
  const skipped = await page({ text: t, offset: '5', limit: '10' });
  expect(skipped.users.map((u) => u.email)).toEqual(emails.slice(5));
});

test('paging through every user with users created in parallel: no duplicates, no user that existed before is missed, order kept', async () => {
  const t = tag();
  const before = await Promise.all(Array.from({ length: 24 }, (_, i) => create(`p${String(i).padStart(2, '0')}-${t}@example.org`)));
  let n = 0;
  // Between pages, two users are created at once: one sorting before everything read so far, one after.
  const seen = await all({ text: t, limit: '5' }, async () => {
    n++;
    await Promise.all([create(`a${String(n)}-${t}@example.org`), create(`z${String(n)}-${t}@example.org`)]);
  });
  const ids = seen.map((u) => u.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of before) expect(ids).toContain(id);
  const emails = seen.map((u) => u.email);
  expect(emails).toEqual([...emails].sort());
  // Keyset: the ones created behind the cursor are not shown on this pass, every one created ahead of it is.
  expect(emails.filter((e) => e.startsWith('a'))).toEqual([]);
  expect(emails.filter((e) => e.startsWith('z')).length).toBe(n);
  // A fresh pass sees everyone.
  expect((await page({ text: t, limit: '1' })).total).toBe(24 + 2 * n);
});
