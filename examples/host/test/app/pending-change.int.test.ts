// Issue 17 #3, each way a password change can be left unfinished, on SQLite and on PostgreSQL: the
// process stops (a test hook that fails at the exact step) after the new hash was written but before
// `SetPassword` was appended, or after the append but before the pending marker was cleared. The
// next read of the credential (login, change, activation) or the next start settles it from the
// events: the platform accepts exactly the password the events say. The real `kill -9` of a running
// host is in test/attack/crash.int.test.ts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { Secret } from '@takeover/core';
import type { DirectoryId, UserId } from '@takeover/core';
import type { AdminPrincipal } from '../../src/index.js';
import type { HostDb } from '../../src/db/hostDb.js';
import { openSqliteHostDb } from '../../src/db/sqliteHostDb.js';
import { openPostgresHostDb } from '../../src/db/postgresHostDb.js';
import type { TestHookPoint } from '../../src/app/testHooks.js';
import type { AppUnderTest } from './harness.js';
import { eventually } from '../support/eventually.js';
import { left, right, startApp, tempDir } from './harness.js';
import { dropSchema, freshSchema, PG_URL } from '../support/postgres.js';

jest.setTimeout(120_000);

const schema = freshSchema('host_pending');
const ADDRESS = '203.0.113.9';
const BY: AdminPrincipal = { kind: 'admin', id: 'api-key' };
const OLD = 'Old-Horse-Battery-1!';
const NEW = 'New-Horse-Battery-2!';
const THIRD = 'Third-Horse-Battery-3!';

/** The step where the next password change "crashes"; `undefined`: none does. */
let crashAt: TestHookPoint | undefined;
const crash = (point: TestHookPoint) => (): Promise<void> =>
  crashAt === point ? Promise.reject(new Error(`simulated crash at ${point}`)) : Promise.resolve();
const testHooks = { credentialWritten: crash('credential-written'), passwordSet: crash('password-set') };

afterAll(async () => {
  await dropSchema(schema);
});

describe.each(['sqlite', 'postgres'] as const)('%s', (kind) => {
  let dataDir: string;
  let host: AppUnderTest;
  const env = (): Record<string, string> => (kind === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {});
  const start = async () => {
    host = await startApp(dataDir, env(), { testHooks });
  };
  /** The host database beside the running app, to see the stored row itself. */
  const openDb = (): Promise<HostDb> =>
    kind === 'sqlite' ? Promise.resolve(openSqliteHostDb(join(dataDir, 'host.db'))) : openPostgresHostDb(PG_URL, schema);

  beforeAll(async () => {
    dataDir = await tempDir('host-pending-');
    await start();
  });
  afterAll(async () => {
    await host.app.close(5_000);
    await rm(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    crashAt = undefined;
  });

  /** Without a password: bound to a directory, so the welcome mail (R2) carries an activation link. */
  const newUser = async (password?: string): Promise<{ readonly id: UserId; readonly email: string }> => {
    const email = `pending-${randomBytes(4).toString('hex')}@example.com`;
    const created = right(
      await host.app.admin.createUser(BY, {
        email,
        givenName: 'Pen',
        familyName: 'Ding',
        state: 'active',
        ...(password === undefined ? { directories: ['google' as DirectoryId] } : { password: Secret.of(password) }),
      }),
    );
    return { id: created.id, email };
  };
  const logsIn = async (email: string, password: string): Promise<boolean> =>
    (await host.app.portal.login(email, Secret.of(password), ADDRESS))._tag === 'Right';
  const versionOf = async (id: UserId): Promise<number> => right(await host.app.admin.getUser(id)).passwordVersion;
  const changeThatCrashes = async (id: UserId, point: TestHookPoint): Promise<void> => {
    crashAt = point;
    expect(left(await host.app.portal.changePassword(id, Secret.of(OLD), Secret.of(NEW), ADDRESS)).kind).toBe('unavailable');
    crashAt = undefined;
  };

  test('a crash after the hash, before SetPassword: the next login restores the previous hash; the events and the platform agree on the old password', async () => {
    const { id, email } = await newUser(OLD);
    await changeThatCrashes(id, 'credential-written');
    expect(await versionOf(id)).toBe(1);
    expect(await logsIn(email, NEW)).toBe(false);
    expect(await logsIn(email, OLD)).toBe(true);
    expect(await versionOf(id)).toBe(1);
  });

  test('a crash after SetPassword, before the marker is cleared: the next login keeps the new hash; the events and the platform agree on the new password', async () => {
    const { id, email } = await newUser(OLD);
    await changeThatCrashes(id, 'password-set');
    expect(await versionOf(id)).toBe(2);
    expect(await logsIn(email, OLD)).toBe(false);
    expect(await logsIn(email, NEW)).toBe(true);
  });

  test('a password change after an abandoned one settles it first, then needs the password the events say', async () => {
    const { id, email } = await newUser(OLD);
    await changeThatCrashes(id, 'credential-written');
    // The abandoned change's password never counted: it cannot authorise another change.
    expect(left(await host.app.portal.changePassword(id, Secret.of(NEW), Secret.of(THIRD), ADDRESS)).kind).toBe('unauthorized');
    right(await host.app.portal.changePassword(id, Secret.of(OLD), Secret.of(THIRD), ADDRESS));
    expect(await versionOf(id)).toBe(2);
    expect(await logsIn(email, THIRD)).toBe(true);
    expect(await logsIn(email, OLD)).toBe(false);
  });

  test('an activation that crashed before SetPassword: the account has no password, and the same link still activates it', async () => {
    const { id, email } = await newUser();
    const token = await eventually('the activation mail', async () => {
      const mail = ((await host.app.demo?.mail()) ?? []).find((m) => m.to === email);
      const found = mail === undefined ? undefined : /[?&]token=([^\s&"<]+)/.exec(mail.text)?.[1];
      return found === undefined ? undefined : decodeURIComponent(found);
    });
    crashAt = 'credential-written';
    expect(left(await host.app.portal.activate(token, Secret.of(NEW), ADDRESS)).kind).toBe('unavailable');
    crashAt = undefined;
    expect(await logsIn(email, NEW)).toBe(false);
    expect(right(await host.app.admin.getUser(id)).passwordStatus).toBe('pending');
    expect(right(await host.app.portal.activate(token, Secret.of(THIRD), ADDRESS)).userId).toBe(id);
    expect(await logsIn(email, THIRD)).toBe(true);
  });

  test('a restart settles every abandoned change before anything reads it, each from the events', async () => {
    const back = await newUser(OLD);
    const kept = await newUser(OLD);
    await changeThatCrashes(back.id, 'credential-written');
    await changeThatCrashes(kept.id, 'password-set');
    const db = await openDb();
    try {
      expect((await db.credentialByUser(back.id))?.pending).toMatchObject({ targetVersion: 2 });
      expect((await db.credentialByUser(kept.id))?.pending).toMatchObject({ targetVersion: 2 });
      const before = {
        back: (await db.credentialByUser(back.id))?.pending?.previousHash,
        kept: (await db.credentialByUser(kept.id))?.hash,
      };
      await host.app.close(5_000);
      await start();
      const [b, k] = [await db.credentialByUser(back.id), await db.credentialByUser(kept.id)];
      expect(b?.pending).toBeUndefined();
      expect(b?.hash).toBe(before.back);
      expect(k?.pending).toBeUndefined();
      expect(k?.hash).toBe(before.kept);
    } finally {
      await db.close();
    }
    expect(await logsIn(back.email, OLD)).toBe(true);
    expect(await logsIn(kept.email, NEW)).toBe(true);
  });
});
