// The host database's contract, on SQLite and on PostgreSQL: the unique email that guards against
// two users with one address, hashes, sessions (hashed tokens, kind, expiry), secrets, and throttling.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Secret } from '@takeover/core';
import type { UserId } from '@takeover/core';
import type { HostDb } from '../../src/db/hostDb.js';
import { openSqliteHostDb } from '../../src/db/sqliteHostDb.js';
import { openPostgresHostDb } from '../../src/db/postgresHostDb.js';
import { hashPassword, TEST_SCRYPT_COST, verifyPassword, dummyVerification } from '../../src/db/passwords.js';
import { loginThrottle } from '../../src/db/throttle.js';
import type { LoginThrottle } from '../../src/db/throttle.js';
import { dropSchema, freshSchema, PG_URL } from '../support/postgres.js';

const schema = freshSchema('host_db');
let dir: string;

interface Backend {
  readonly db: HostDb;
  readonly throttle: (limits: Parameters<typeof loginThrottle>[1]) => Promise<LoginThrottle>;
  readonly close: () => Promise<void>;
}

const backends: Record<'sqlite' | 'postgres', () => Promise<Backend>> = {
  sqlite: () => {
    const db = openSqliteHostDb(join(dir, `host-${randomBytes(3).toString('hex')}.db`));
    return Promise.resolve({ db, throttle: (l) => loginThrottle({ kind: 'sqlite', database: db.database }, l), close: db.close });
  },
  postgres: async () => {
    const db = await openPostgresHostDb(PG_URL, schema);
    return { db, throttle: (l) => loginThrottle({ kind: 'postgres', pool: db.pool, schema }, l), close: db.close };
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-db-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const uid = (s: string) => `${s}-${randomBytes(3).toString('hex')}` as UserId;

describe.each(['sqlite', 'postgres'] as const)('%s', (kind) => {
  let b: Backend;
  beforeAll(async () => {
    b = await backends[kind]();
  });
  afterAll(() => b.close());

  test('bookmarks: one list per directory, replaced whole; dismissed notifications: once per key', async () => {
    const d = `dir-${randomBytes(3).toString('hex')}`;
    expect(await b.db.bookmarks(d)).toBeUndefined();
    await Promise.all([b.db.setBookmarks(d, '[1]'), b.db.setBookmarks(d, '[1]')]);
    expect(await b.db.bookmarks(d)).toBe('[1]');
    await b.db.setBookmarks(d, '[2,3]');
    expect(await b.db.bookmarks(d)).toBe('[2,3]');
    const ada = uid('ada');
    expect([...(await b.db.dismissed(ada))]).toEqual([]);
    await Promise.all([b.db.dismiss(ada, ['a', 'b']), b.db.dismiss(ada, ['a', 'b']), b.db.dismiss(ada, [])]);
    expect([...(await b.db.dismissed(ada))].sort()).toEqual(['a', 'b']);
    expect([...(await b.db.dismissed(uid('bob')))]).toEqual([]);
  });

  test('a resent activation link: links issued before it stop counting; the same key answers the same instant; never moves back', async () => {
    const u = uid('renew');
    expect(await b.db.activationNotBefore(u)).toBeUndefined();
    const first = await b.db.renewActivation(u, 'request-1', new Date(1_000_000));
    expect(first.getTime()).toBe(1_000_000);
    // A retry of the same request (same key) keeps its instant, so it mints the same link.
    expect((await b.db.renewActivation(u, 'request-1', new Date(2_000_000))).getTime()).toBe(1_000_000);
    expect((await b.db.renewActivation(u, 'request-2', new Date(3_000_000))).getTime()).toBe(3_000_000);
    // A slower racing request with an earlier instant does not move it back.
    expect((await b.db.renewActivation(u, 'request-3', new Date(2_500_000))).getTime()).toBe(3_000_000);
    expect((await b.db.activationNotBefore(u))?.getTime()).toBe(3_000_000);
  });

  test("the host audit log: a user's entries oldest first, each key once (parallel duplicates too)", async () => {
    const u = uid('audit');
    const entry = (key: string, at: number) => ({
      key: `${u}/${key}`,
      userId: u,
      at: new Date(at),
      by: 'admin:ada@example.com',
      type: 'ActivationLinkResent',
      summary: `sent ${key}`,
    });
    expect(await b.db.auditOf(u)).toEqual([]);
    await Promise.all([b.db.recordAudit(entry('b', 2_000)), b.db.recordAudit(entry('b', 2_000)), b.db.recordAudit(entry('a', 1_000))]);
    // A retry with the same key (a resumed job item) adds nothing, even with another instant.
    await b.db.recordAudit(entry('a', 3_000));
    expect(await b.db.auditOf(u)).toEqual([entry('a', 1_000), entry('b', 2_000)]);
    expect(await b.db.auditOf(uid('nobody'))).toEqual([]);
  });

  test('one email, one user: reserve, release, change email', async () => {
    const email = `ada-${randomBytes(3).toString('hex')}@example.com`;
    const ada = uid('ada');
    const eve = uid('eve');
    expect(await b.db.reserveEmail(email, ada)).toBe('reserved');
    expect(await b.db.reserveEmail(email, eve)).toBe('taken');
    await b.db.releaseEmail(email, eve); // not eve's: nothing happens
    expect(await b.db.credentialByEmail(email)).toEqual({ email, userId: ada, hash: null });
    await b.db.releaseEmail(email, ada);
    expect(await b.db.credentialByEmail(email)).toBeUndefined();
    expect(await b.db.reserveEmail(email, eve, { hash: 'scrypt$1$1$1$a$b' })).toBe('reserved');
    await b.db.confirmEmail(eve);
    await b.db.releaseEmail(email, eve); // a confirmed row (the user exists) is never released
    expect(await b.db.credentialByUser(eve)).toMatchObject({ email, hash: 'scrypt$1$1$1$a$b' });
    const other = `other-${email}`;
    expect(await b.db.reserveEmail(other, ada)).toBe('reserved');
    expect(await b.db.changeEmail(eve, other)).toBe('taken');
    expect(await b.db.changeEmail(eve, `new-${email}`)).toBe('changed');
    expect(await b.db.changeEmail(uid('nobody'), `x-${email}`)).toBe('unknown');
    expect((await b.db.credentialByUser(eve))?.email).toBe(`new-${email}`);
  });

  test('concurrent reservations of one email: exactly one wins', async () => {
    const email = `race-${randomBytes(3).toString('hex')}@example.com`;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => b.db.reserveEmail(email, uid(`u${i}`))));
    expect(results.filter((r) => r === 'reserved')).toHaveLength(1);
  });

  test('sessions: looked up by hash and kind, until they expire or are deleted', async () => {
    const now = new Date();
    await b.db.createSession('h1', 'portal', 'user-1', new Date(now.getTime() + 60_000));
    await b.db.createSession('h2', 'admin', 'admin@example.com', new Date(now.getTime() + 60_000));
    await b.db.createSession('h3', 'portal', 'user-1', new Date(now.getTime() - 1));
    expect(await b.db.findSession('h1', 'portal', now)).toBe('user-1');
    expect(await b.db.findSession('h1', 'admin', now)).toBeUndefined();
    expect(await b.db.findSession('h2', 'admin', now)).toBe('admin@example.com');
    expect(await b.db.findSession('h3', 'portal', now)).toBeUndefined();
    expect(await b.db.findSession('h1', 'portal', new Date(now.getTime() + 120_000))).toBeUndefined();
    await b.db.deleteSession('h1');
    expect(await b.db.findSession('h1', 'portal', now)).toBeUndefined();
    await b.db.deleteSessionsOf('admin', 'admin@example.com');
    expect(await b.db.findSession('h2', 'admin', now)).toBeUndefined();
  });

  test('secrets: created once, then the same value', async () => {
    const name = `s-${randomBytes(3).toString('hex')}`;
    const first = await b.db.secret(name, () => 'one');
    expect(first).toBe('one');
    expect(await b.db.secret(name, () => 'two')).toBe('one');
    expect(await b.db.createAdmin(`${name}@example.com`, 'h')).toBe(true);
    expect(await b.db.createAdmin(`${name}@example.com`, 'other')).toBe(false);
    expect(await b.db.adminHash(`${name}@example.com`)).toBe('h');
  });

  test('issue 17 #2/#3: a credential hold is exclusive until released or expired; a change is compare-and-set under it', async () => {
    const user = uid(`held-${randomBytes(3).toString('hex')}`);
    await b.db.reserveEmail(`${user}@example.com`, user, { confirmed: true });
    const now = new Date();
    const later = new Date(now.getTime() + 60_000);
    const holds = await Promise.all(Array.from({ length: 6 }, (_, i) => b.db.holdCredential(user, `h${String(i)}`, later, now)));
    expect(holds.filter(Boolean)).toHaveLength(1);
    const holder = `h${String(holds.indexOf(true))}`;
    await b.db.releaseCredential(user, 'someone-else'); // not theirs: nothing happens
    expect(await b.db.holdCredential(user, 'x', later, now)).toBe(false);
    expect(await b.db.holdCredential(user, 'after-expiry', later, new Date(later.getTime() + 1))).toBe(true);
    await b.db.releaseCredential(user, 'after-expiry');
    expect(await b.db.holdCredential(user, holder, later, now)).toBe(true);
    const change = (hash: string, expected: string | null = null) => ({ expected, hash, targetVersion: 2 });
    expect(await b.db.beginChange(user, 'not-the-holder', change('Z'))).toBe(false);
    const begun = await Promise.all(['A', 'B', 'C'].map((h) => b.db.beginChange(user, holder, change(h))));
    expect(begun.filter(Boolean)).toHaveLength(1);
    const won = (await b.db.credentialByUser(user))?.hash ?? '';
    // While one change is pending no other begins, even against the hash it wrote.
    expect(await b.db.beginChange(user, holder, change('D', won))).toBe(false);
    expect(await b.db.endChange(user, 'not-the-holder', 'keep')).toBe(false);
    expect(await b.db.endChange(user, holder, 'keep')).toBe(true);
    expect(await b.db.endChange(user, holder, 'keep')).toBe(false); // nothing pending any more
    expect(await b.db.credentialByUser(user)).toEqual({ email: `${user}@example.com`, userId: user, hash: won });
  });

  test('issue 17 #3: a pending change keeps the previous hash and target version until kept or restored; lapsed ones are listed', async () => {
    const user = uid(`pend-${randomBytes(3).toString('hex')}`);
    await b.db.reserveEmail(`${user}@example.com`, user, { hash: 'old', confirmed: true });
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    expect(await b.db.holdCredential(user, 'h', until, now)).toBe(true);
    expect(await b.db.beginChange(user, 'h', { expected: 'stale', hash: 'new', targetVersion: 3 })).toBe(false);
    expect(await b.db.beginChange(user, 'h', { expected: 'old', hash: 'new', targetVersion: 3 })).toBe(true);
    expect(await b.db.credentialByEmail(`${user}@example.com`)).toEqual({
      email: `${user}@example.com`,
      userId: user,
      hash: 'new',
      pending: { previousHash: 'old', targetVersion: 3, heldUntil: until },
    });
    // Held: not abandoned. Lapsed (or released): abandoned.
    expect(await b.db.abandonedChanges(now)).not.toContain(user);
    expect(await b.db.abandonedChanges(new Date(until.getTime() + 1))).toContain(user);
    await b.db.releaseCredential(user, 'h');
    expect(await b.db.abandonedChanges(now)).toContain(user);
    expect((await b.db.credentialByUser(user))?.pending).toEqual({ previousHash: 'old', targetVersion: 3, heldUntil: null });
    // Settled only under a hold.
    expect(await b.db.endChange(user, 'h', 'restore')).toBe(false);
    expect(await b.db.holdCredential(user, 's', until, now)).toBe(true);
    expect(await b.db.endChange(user, 's', 'restore')).toBe(true);
    expect(await b.db.credentialByUser(user)).toEqual({ email: `${user}@example.com`, userId: user, hash: 'old' });
    expect(await b.db.abandonedChanges(new Date(until.getTime() + 1))).not.toContain(user);
    // From no hash at all (an activation): restoring gives no hash back.
    const fresh = uid(`act-${randomBytes(3).toString('hex')}`);
    await b.db.reserveEmail(`${fresh}@example.com`, fresh, { confirmed: true });
    expect(await b.db.holdCredential(fresh, 'h', until, now)).toBe(true);
    expect(await b.db.beginChange(fresh, 'h', { expected: null, hash: 'first', targetVersion: 1 })).toBe(true);
    expect(await b.db.endChange(fresh, 'h', 'restore')).toBe(true);
    expect((await b.db.credentialByUser(fresh))?.hash).toBeNull();
  });

  test('issue 17 #5: unconfirmed reservations are listed for reconciliation; confirmed ones are not', async () => {
    const a = uid(`r-${randomBytes(3).toString('hex')}`);
    const c = uid(`c-${randomBytes(3).toString('hex')}`);
    await b.db.reserveEmail(`${a}@example.com`, a);
    await b.db.reserveEmail(`${c}@example.com`, c);
    await b.db.confirmEmail(c);
    const later = new Date(Date.now() + 60_000);
    const listed = (await b.db.unconfirmed(later)).map((r) => r.userId);
    expect(listed).toContain(a);
    expect(listed).not.toContain(c);
    expect((await b.db.unconfirmed(new Date(0))).map((r) => r.userId)).not.toContain(a);
  });

  test('issue 17 #4/#6: attempts are taken before the check; a pair, an address, an account from anywhere; a known device passes a lockout', async () => {
    const limits = { perAccount: 3, perAddress: 6, windowSeconds: 60, blockSeconds: 600, perAccountAnywhere: 5, lockoutSeconds: 30 };
    const t = await b.throttle(limits);
    const tag = randomBytes(3).toString('hex');
    const account = `acct-${tag}`;
    const address = `10.0.${String(randomBytes(1)[0] ?? 1)}.1`;
    const take = (keys: Partial<Parameters<LoginThrottle['take']>[0]> = {}) =>
      t.take({ scope: 'portal', account, address, accountWide: true, ...keys });
    // Parallel attempts: no more than the pair's limit go ahead.
    const parallel = await Promise.all(Array.from({ length: 12 }, () => take()));
    expect(parallel.filter((a) => a.allowed)).toHaveLength(3);
    // A passed check gives its attempt back.
    const other = `${account}-ok`;
    for (let i = 0; i < 10; i++) {
      const a = await take({ account: other, address: `192.0.2.${String(i % 2)}` });
      if (!a.allowed) throw new Error('refused although every attempt passed');
      await a.passed();
    }
    // Rotating addresses: the account-wide bucket stops unknown devices after 5 (3 taken above), with a wait…
    const rotating = await Promise.all(Array.from({ length: 10 }, (_, i) => take({ address: `198.51.100.${String(i)}` })));
    expect(rotating.filter((a) => a.allowed)).toHaveLength(2);
    const refused = rotating.find((a) => !a.allowed);
    expect(refused?.allowed === false ? refused.retryAfterSeconds : 0).toBeGreaterThan(0);
    // …that a known device does not wait for.
    expect((await take({ knownDevice: `dev-${tag}` })).allowed).toBe(true);
    // Another account from the same address is not held by this one's lockout, until the address's own limit.
    expect((await t.take({ scope: 'portal', account: `${account}-2`, address: '203.0.113.7', accountWide: true })).allowed).toBe(true);
    // A second limiter on the same database sees the same counters (a restart, another instance).
    const again = await b.throttle(limits);
    expect((await again.take({ scope: 'portal', account, address: '203.0.113.8', accountWide: true })).allowed).toBe(false);
  });
});

test('scrypt hashes: parameters stored with the hash, salted, verified; the dummy always fails', async () => {
  const pw = Secret.of('Correct-Horse-1');
  const h1 = await hashPassword(pw, TEST_SCRYPT_COST);
  const h2 = await hashPassword(pw, TEST_SCRYPT_COST);
  expect(h1).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  expect(h1).not.toBe(h2);
  expect(h1).not.toContain('Correct-Horse-1');
  expect(await verifyPassword(pw, h1)).toBe(true);
  expect(await verifyPassword(Secret.of('Correct-Horse-2'), h1)).toBe(false);
  expect(await verifyPassword(pw, 'garbage')).toBe(false);
  expect(await dummyVerification(TEST_SCRYPT_COST)(pw)).toBe(false);
});
