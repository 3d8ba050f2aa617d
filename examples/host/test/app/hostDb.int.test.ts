// The host database's contract, on SQLite and on PostgreSQL: the unique email that guards against
// two users with one address, hashes, sessions (hashed tokens, kind, expiry), secrets, and throttling.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Secret } from '@takeover/core';
import type { UserId } from '@takeover/core';
import type { HostDb } from '../../src/db/HostDb.js';
import { openSqliteHostDb } from '../../src/db/sqliteHostDb.js';
import { openPostgresHostDb } from '../../src/db/postgresHostDb.js';
import { hashPassword, TEST_SCRYPT_COST, verifyPassword, dummyVerification } from '../../src/db/passwords.js';
import { loginThrottle } from '../../src/db/throttle.js';
import type { LoginThrottle } from '../../src/db/throttle.js';

const pgUrl = `postgres://${process.env['PGUSER'] ?? 'postgres'}@${process.env['PGHOST'] ?? '127.0.0.1'}:5432/${process.env['PGDATABASE'] ?? 'test'}`;
const schema = `host_db_${randomBytes(4).toString('hex')}`;
let dir: string;

interface Backend { readonly db: HostDb; readonly throttle: (limits: Parameters<typeof loginThrottle>[1]) => Promise<LoginThrottle>; readonly close: () => Promise<void> }

const backends: Record<'sqlite' | 'postgres', () => Promise<Backend>> = {
  sqlite: () => {
    const db = openSqliteHostDb(join(dir, `host-${randomBytes(3).toString('hex')}.db`));
    return Promise.resolve({ db, throttle: (l) => loginThrottle({ kind: 'sqlite', database: db.database }, l), close: db.close });
  },
  postgres: async () => {
    const db = await openPostgresHostDb(pgUrl, schema);
    return { db, throttle: (l) => loginThrottle({ kind: 'postgres', pool: db.pool, schema }, l), close: db.close };
  },
};

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'host-db-')); });
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const uid = (s: string) => `${s}-${randomBytes(3).toString('hex')}` as UserId;

describe.each(['sqlite', 'postgres'] as const)('%s', (kind) => {
  let b: Backend;
  beforeAll(async () => { b = await backends[kind](); });
  afterAll(() => b.close());

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
    expect(await b.db.reserveEmail(email, eve)).toBe('reserved');
    await b.db.setHash(eve, 'scrypt$1$1$1$a$b');
    await b.db.releaseEmail(email, eve); // a row with a password is never released
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

  test('throttling per account and per address: blocked after the limit, a success clears the account', async () => {
    const t = await b.throttle({ perAccount: 3, perAddress: 6, windowSeconds: 60, blockSeconds: 60 });
    const account = `acct-${randomBytes(3).toString('hex')}`;
    const address = `10.0.0.${randomBytes(1)[0] ?? 1}`;
    for (let i = 0; i < 2; i++) await t.failed(account, address);
    expect(await t.blocked(account, address)).toBeUndefined();
    await t.succeeded(account);
    for (let i = 0; i < 3; i++) await t.failed(account, address);
    const wait = await t.blocked(account, address);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // Another account from the same address: blocked once the address has 6 failures.
    const other = `${account}-2`;
    expect(await t.blocked(other, address)).toBeUndefined();
    await t.failed(other, address);
    expect(await t.blocked(other, address)).toBeGreaterThan(0);
    expect(await t.blocked(other, '192.0.2.1')).toBeUndefined();
    // A second limiter on the same database sees the same counters (a restart, another instance).
    const again = await b.throttle({ perAccount: 3, perAddress: 6, windowSeconds: 60, blockSeconds: 60 });
    expect(await again.blocked(account, '192.0.2.1')).toBeGreaterThan(0);
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
