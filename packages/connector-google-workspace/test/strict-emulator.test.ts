// The connector against the strict Google emulator, through @googleapis/admin and google-auth-library:
// one test per awkward edge of the real service (docs/directories/google-workspace.md).
import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '@takeover/core';
import type { ConnectorError, ExternalUserId, PushOutcome, Resolution } from '@takeover/connector-kit';
import { externalUserId, isAmbiguous } from '@takeover/connector-kit';
import { DIRECTORY_USER_SCOPE, startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator } from '@takeover/connector-google-workspace/testing';

const TIMEOUT_MS = 5000;
let emu: GoogleEmulator;

const right = async <A>(te: () => Promise<E.Either<ConnectorError, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`expected success, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const left = async <A>(te: () => Promise<E.Either<ConnectorError, A>>): Promise<ConnectorError> => {
  const r = await te();
  if (E.isRight(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right)}`);
  return r.left;
};
const created = (email: string) => emu.audit().filter((a) => a.eventName === 'CREATE_USER' && a.userEmail === email).length;
const usersWith = (email: string) => emu.dump().users.filter((u) => u.primaryEmail.toLowerCase() === email.toLowerCase()).length;

const SEEDED = ['j+smith@example.com', "o'brien@example.com", '100%sure@example.com', 'zoë.müller@example.com'];

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    seed: {
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        { primaryEmail: 'j.smith@example.com', givenName: 'Jay', familyName: 'Smith' },
        ...SEEDED.map((primaryEmail) => ({ primaryEmail, givenName: 'Seeded', familyName: 'User', password: 'Seeded-Pass-1' })),
      ],
    },
  });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.clearFaults();
  emu.setPropagationDelay(0);
});

describe('1. every userKey and query value is encoded', () => {
  it.each(SEEDED)('resolve finds the existing %s by email and never creates a duplicate', async (primaryEmail) => {
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    const id = emu.user(primaryEmail)?.id ?? '';
    const r = await right(connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Dup', familyName: 'Licate' } }));
    expect(r).toEqual<Resolution>({ externalId: externalUserId(id), how: 'by-email' });
    expect(usersWith(primaryEmail)).toBe(1);
    expect(created(primaryEmail)).toBe(0);
    // The same address as the admin's key.
    expect(await right(connector.resolve({ externalKey: externalUserId(primaryEmail), primaryEmail }))).toEqual({
      externalId: externalUserId(id),
      how: 'by-key',
    });
  });

  it('j+smith@ is not j smith@ nor j.smith@: each key reaches Google as written', async () => {
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    const plus = await right(connector.resolve({ primaryEmail: 'j+smith@example.com' }));
    const dot = await right(connector.resolve({ primaryEmail: 'j.smith@example.com' }));
    expect(plus.externalId).not.toBe(dot.externalId);
    expect(await left(connector.resolve({ primaryEmail: 'j smith@example.com' }))).toMatchObject({
      _tag: 'permanent',
      reason: 'not-found',
    });
  });

  it("an address with ' is created once, then found by email", async () => {
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    const primaryEmail = "d'arcy@example.com";
    const first = await right(connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Dee', familyName: "D'Arcy" } }));
    expect(first.how).toBe('created');
    const again = await right(connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Dee', familyName: "D'Arcy" } }));
    expect(again).toEqual({ externalId: first.externalId, how: 'by-email' });
    expect(usersWith(primaryEmail)).toBe(1);
  });
});

describe('2. propagation after users.insert', () => {
  it('412 "User creation is not complete" is retryable/propagating; once propagated the same push succeeds', async () => {
    emu.setPropagationDelay(3000);
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    const primaryEmail = 'fresh@example.com';
    const { externalId, how } = await right(
      connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Fresh', familyName: 'Hire' } }),
    );
    expect(how).toBe('created');
    const password = Secret.of('Fresh-Pass-123');
    expect(await left(connector.push({ externalId, password }))).toMatchObject({
      _tag: 'retryable',
      reason: 'propagating',
      provider: { status: 412, code: 'conditionNotMet', message: 'User creation is not complete.' },
    });

    // A read right after create: 404, kept permanent/not-found (the engine retries it within its window after a create).
    expect(await left(connector.resolve({ externalKey: externalId, primaryEmail }))).toMatchObject({
      _tag: 'permanent',
      reason: 'not-found',
      provider: { status: 404 },
    });
    // Resolving by email again (the account not visible yet) must not create a second one: 409 becomes propagating.
    expect(await left(connector.resolve({ primaryEmail, create: { primaryEmail, givenName: 'Fresh', familyName: 'Hire' } }))).toMatchObject(
      { _tag: 'retryable', reason: 'propagating' },
    );
    expect(usersWith(primaryEmail)).toBe(1);

    emu.advanceClock(3);
    expect(await right(connector.push({ externalId, password }))).toMatchObject({ passwordSet: true });
    expect(await emu.passwordMatches(externalId, 'Fresh-Pass-123')).toBe(true);
    expect(await right(connector.resolve({ primaryEmail }))).toEqual({ externalId, how: 'by-email' });
  });
});

describe('3. sessions: Google keeps them across a password change; users.signOut ends them', () => {
  let id: ExternalUserId;
  beforeAll(async () => {
    await emu.seed({ users: [{ primaryEmail: 'sam@example.com', givenName: 'Sam', familyName: 'Session', password: 'Seeded-Pass-1' }] });
    id = externalUserId(emu.user('sam@example.com')?.id ?? '');
  });

  it('declares passwordSetEndsSessions false', () => {
    expect(googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS }).capabilities).toMatchObject({
      revokeSessions: true,
      passwordSetEndsSessions: false,
    });
  });

  it('a password push alone leaves the sessions in place and says so; with revokeSessions they end and sessionsEnded is true', async () => {
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    emu.signIn('sam@example.com');
    emu.signIn('sam@example.com');
    expect(await right(connector.push({ externalId: id, password: Secret.of('Second-Pass-22') }))).toEqual<PushOutcome>({
      passwordSet: true,
      sessions: 'not-requested',
      sessionsEnded: false,
    });
    expect(emu.user(id)).toMatchObject({ activeSessions: 2, signOutCount: 0 });

    expect(
      await right(connector.push({ externalId: id, password: Secret.of('Third-Pass-333'), revokeSessions: true })),
    ).toEqual<PushOutcome>({ passwordSet: true, sessions: 'revoked', sessionsEnded: true });
    expect(emu.user(id)).toMatchObject({ activeSessions: 0, signOutCount: 1 });
  });

  it('without admin.directory.user.security the sign-out fails, so the push fails and never claims sessions ended', async () => {
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS, scopes: [DIRECTORY_USER_SCOPE] });
    emu.signIn('sam@example.com');
    expect(await left(connector.push({ externalId: id, password: Secret.of('Fourth-Pass-4444'), revokeSessions: true }))).toMatchObject({
      _tag: 'auth',
      provider: { status: 403, code: 'insufficientPermissions' },
    });
    expect(emu.user(id)?.activeSessions).toBe(1);
  });
});

describe("4. ambiguousPasswordSet 'resend': sending the same password again is harmless in Google", () => {
  it('an answer lost after the set landed, then the same password again: one final password, sessions untouched, no lockout', async () => {
    await emu.seed({ users: [{ primaryEmail: 'ria@example.com', givenName: 'Ria', familyName: 'Resend', password: 'Seeded-Pass-1' }] });
    const id = externalUserId(emu.user('ria@example.com')?.id ?? '');
    const connector = googleConnectorForEmulator(emu, { timeoutMs: TIMEOUT_MS });
    expect(connector.capabilities.ambiguousPasswordSet).toBe('resend');
    expect(connector.lastPasswordChange).toBeUndefined();
    emu.signIn('ria@example.com');
    const password = Secret.of('Resent-Pass-77');

    emu.injectFault({ path: '/admin/directory/v1/users', method: 'PUT', dropAnswer: true });
    const lost = await left(connector.push({ externalId: id, password }));
    expect(isAmbiguous(lost)).toBe(true);
    expect(await emu.passwordMatches(id, 'Resent-Pass-77')).toBe(true); // it landed

    expect(await right(connector.push({ externalId: id, password }))).toEqual<PushOutcome>({
      passwordSet: true,
      sessions: 'not-requested',
      sessionsEnded: false,
    });
    expect(await emu.passwordMatches(id, 'Resent-Pass-77')).toBe(true);
    expect(emu.user(id)).toMatchObject({ activeSessions: 1, signOutCount: 0, suspended: false, changePasswordAtNextLogin: false });
    // The only trace of the second send: another CHANGE_PASSWORD line in the admin audit log.
    expect(emu.audit().filter((a) => a.eventName === 'CHANGE_PASSWORD' && a.userEmail === 'ria@example.com')).toHaveLength(2);
  });
});
