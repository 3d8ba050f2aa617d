// The connector against the strict Entra emulator, through the real @microsoft/microsoft-graph-client
// and @azure/identity: each edge of docs/directories/microsoft-entra.md.
import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '@takeover/core';
import type { AccessCheck, ConnectorError, DirectoryConnector } from '@takeover/connector-kit';
import { externalUserId, isAmbiguous } from '@takeover/connector-kit';
import { startEntraEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import { entraConnectorForEmulator } from '@takeover/connector-microsoft-entra/testing';
import type { EntraEmulatorConnectorOptions } from '@takeover/connector-microsoft-entra/testing';

let emu: EntraEmulator;
const connector = (options: Partial<EntraEmulatorConnectorOptions> = {}): DirectoryConnector =>
  entraConnectorForEmulator(emu, { timeoutMs: 10_000, ...options });
const right = async <A>(te: () => Promise<E.Either<ConnectorError, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const left = async <A>(te: () => Promise<E.Either<ConnectorError, A>>): Promise<ConnectorError> => {
  const r = await te();
  if (E.isRight(r)) throw new Error(`expected Left, got ${JSON.stringify(r.right)}`);
  return r.left;
};
const idOf = (key: string) => {
  const u = emu.user(key);
  if (u === undefined) throw new Error(`no user ${key}`);
  return externalUserId(u.id);
};
const userCount = () => emu.dump().tenants.reduce((n, t) => n + t.users.length, 0);
const pw = (n: number) => Secret.of(`Edge-Case-Pass-${n}x`);
const fresh = (primaryEmail: string) => ({ primaryEmail, givenName: 'New', familyName: 'Account' });

beforeAll(async () => {
  emu = await startEntraEmulator({
    scryptN: 1024,
    seed: {
      tenants: [
        {
          displayName: 'Contoso',
          domains: ['contoso.com'],
          federatedDomains: ['fabrikam.com'],
          apps: [{ displayName: 'Takeover sync', certificate: true }],
          users: [
            { userPrincipalName: 'jsmith@contoso.com', mail: 'j+smith@contoso.com', displayName: 'J Smith' },
            { userPrincipalName: 'decoy@contoso.com', mail: 'j smith@contoso.com', displayName: 'Decoy' },
            { userPrincipalName: 'oneil@contoso.com', mail: "o'neil@contoso.com", displayName: "O'Neil" },
            { userPrincipalName: 'pct@contoso.com', mail: 'a%41b@contoso.com', displayName: 'Percent' },
            { userPrincipalName: 'zoe@contoso.com', mail: 'zoë@contoso.com', displayName: 'Zoë' },
            { userPrincipalName: 'alex@contoso.com', mail: 'alex@contoso.com', displayName: 'Alex' },
            { userPrincipalName: 'root@contoso.com', displayName: 'Global Admin', roles: ['Global Administrator'] },
            { userPrincipalName: 'fed@fabrikam.com', displayName: 'Federated user' },
          ],
        },
      ],
    },
  });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.clearFaults();
  emu.setPropagationDelay(0);
  emu.setAppRoles(emu.app.clientId, ['User Administrator']);
  emu.setAppPermissions(emu.app.clientId, emu.app.permissions);
  emu.setQuota('appTenantResourceUnits', { limit: 3500, windowSeconds: 10 });
});

describe('1. filter and path values are encoded (issue 12: j+smith@ created a duplicate)', () => {
  it.each([
    ['+', 'j+smith@contoso.com', 'jsmith@contoso.com'],
    ["'", "o'neil@contoso.com", 'oneil@contoso.com'],
    ['%', 'a%41b@contoso.com', 'pct@contoso.com'],
    ['non-ASCII', 'zoë@contoso.com', 'zoe@contoso.com'],
  ])('resolve by mail with %s finds the existing account and creates none', async (_what, mail, upn) => {
    const before = userCount();
    const r = await right(connector().resolve({ primaryEmail: mail, create: fresh(mail) }));
    expect(r).toEqual({ externalId: idOf(upn), how: 'by-email' });
    expect(userCount()).toBe(before);
  });

  it('path values are encoded too: a UPN with + and % is found by key', async () => {
    await emu.seed({
      tenants: [
        { id: emu.tenantId, domains: ['contoso.com'], users: [{ userPrincipalName: 'p+q%25@contoso.com', displayName: 'Odd UPN' }] },
      ],
    });
    expect(await right(connector().resolve({ primaryEmail: 'p+q%25@contoso.com' }))).toEqual({
      externalId: idOf('p+q%25@contoso.com'),
      how: 'by-email',
    });
  });
});

describe('2. an ambiguous password set is resolved by asking: lastPasswordChange', () => {
  it("declares 'ask'; a set whose answer was lost reads as applied, so nothing is sent again", async () => {
    const c = connector();
    expect(c.capabilities.ambiguousPasswordSet).toBe('ask');
    const read = c.lastPasswordChange;
    if (read === undefined) throw new Error('lastPasswordChange missing');
    const id = idOf('alex@contoso.com');
    const resetsBefore = emu.user(id)?.revocationCount ?? 0;
    const startedAt = Date.now();
    emu.injectFault({ path: '/v1.0/users', method: 'PATCH', dropAnswer: true });
    const e = await left(c.push({ externalId: id, password: pw(1) }));
    expect(isAmbiguous(e)).toBe(true);
    const changed = await right(read(id));
    // lastPasswordChangeDateTime has whole seconds: compare at that precision.
    expect(changed?.getTime()).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
    expect(emu.user(id)?.revocationCount).toBe(resetsBefore + 1); // one change, one reset
  });
});

describe('2b. a timed-out password set is resolved the same way', () => {
  it('no answer within the timeout, yet the set landed: lastPasswordChange says so', async () => {
    // Well under the PATCH's 5 s delay, yet room for the token and the reads on a loaded machine (500 ms timed out there).
    const c = connector({ timeoutMs: 2_000 });
    const read = c.lastPasswordChange;
    if (read === undefined) throw new Error('lastPasswordChange missing');
    const id = idOf('oneil@contoso.com');
    await right(c.describe()); // the token first, so the timeout below concerns the PATCH
    const startedAt = Date.now();
    emu.injectFault({ path: '/v1.0/users', method: 'PATCH', answerAfterMs: 5_000 });
    const e = await left(c.push({ externalId: id, password: pw(7) }));
    expect(e).toMatchObject({ _tag: 'retryable', reason: 'timeout' });
    expect(isAmbiguous(e)).toBe(true);
    // Wait for the change itself, not for a time: the emulator's state says when it landed.
    while (!(await emu.passwordMatches(id, 'Edge-Case-Pass-7x'))) await new Promise((r) => setImmediate(r));
    const changed = await right(read(id));
    expect(changed?.getTime()).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
  });
});

describe('3. sessionsEnded is truthful', () => {
  it('a password set is a reset (true); attribute-only false; attribute-only with revocation true', async () => {
    const c = connector();
    const id = idOf('alex@contoso.com');
    expect(await right(c.push({ externalId: id, password: pw(2) }))).toEqual({
      passwordSet: true,
      sessions: 'not-requested',
      sessionsEnded: true,
    });
    const revocations = emu.user(id)?.revocationCount ?? 0;
    expect(await right(c.push({ externalId: id, attributes: { jobTitle: 'Writer' } }))).toEqual({
      passwordSet: false,
      sessions: 'not-requested',
      sessionsEnded: false,
    });
    expect(emu.user(id)?.revocationCount).toBe(revocations);
    expect(await right(c.push({ externalId: id, attributes: { jobTitle: 'Editor' }, revokeSessions: true }))).toEqual({
      passwordSet: false,
      sessions: 'revoked',
      sessionsEnded: true,
    });
  });
});

describe('4. 404 right after create', () => {
  it('the connector reports permanent/not-found (Graph cannot tell "not yet" from "never"); the same push succeeds once replicated', async () => {
    emu.setPropagationDelay(3000);
    const c = connector();
    const created = await right(c.resolve({ primaryEmail: 'late@contoso.com', create: fresh('late@contoso.com') }));
    expect(created.how).toBe('created');
    expect(await left(c.push({ externalId: created.externalId, password: pw(3) }))).toMatchObject({
      _tag: 'permanent',
      reason: 'not-found',
      provider: { status: 404, code: 'Request_ResourceNotFound' },
    });
    emu.advanceClock(3);
    try {
      expect(await right(c.push({ externalId: created.externalId, password: pw(3) }))).toMatchObject({ passwordSet: true });
    } finally {
      emu.advanceClock(-3);
    }
  });
});

describe('5. refusals specific to one user are permanent, with a reason an admin can act on', () => {
  it('an administrator target: the app needs Privileged Authentication Administrator', async () => {
    const e = await left(connector().push({ externalId: idOf('root@contoso.com'), password: pw(4) }));
    expect(e).toMatchObject({ _tag: 'permanent', reason: 'forbidden', provider: { status: 403, code: 'Authorization_RequestDenied' } });
    expect(e.provider.message).toContain(
      "the app needs Privileged Authentication Administrator to reset this administrator's password (the user holds Global Administrator)",
    );
  });

  it('a federated domain: the password lives with the federation provider', async () => {
    const e = await left(connector().push({ externalId: idOf('fed@fabrikam.com'), password: pw(5) }));
    expect(e).toMatchObject({ _tag: 'permanent', reason: 'forbidden' });
    expect(e.provider.message).toContain('fabrikam.com is federated: the password lives with the federation provider');
  });

  it('the app without any reset role: the same 403, and the message leaves the distinction to diagnose', async () => {
    emu.setAppRoles(emu.app.clientId, []);
    const e = await left(connector().push({ externalId: idOf('alex@contoso.com'), password: pw(6) }));
    expect(e).toMatchObject({ _tag: 'permanent', reason: 'forbidden' });
    expect(e.provider.message).toContain('run the directory check (diagnose / takeover-doctor)');
  });
});

describe('6. diagnose against the emulator configured right, and wrong in each way', () => {
  const byArea = (checks: ReadonlyArray<AccessCheck>, area: AccessCheck['area']) => checks.filter((c) => c.area === area);
  const missing = (checks: ReadonlyArray<AccessCheck>) => checks.filter((c) => c.status === 'missing');

  it('configured as needed: credentials, api, permissions, role, domain, quota all ok', async () => {
    const checks = await right(connector().diagnose());
    expect(missing(checks)).toEqual([]);
    expect(new Set(checks.map((c) => c.area))).toEqual(new Set(['credentials', 'api', 'permission', 'role', 'domain', 'quota']));
    expect(checks.every((c) => c.status === 'ok')).toBe(true);
  });

  it('missing role: the fix names the role, the app and where to assign it', async () => {
    emu.setAppRoles(emu.app.clientId, []);
    const [role] = byArea(await right(connector().diagnose()), 'role');
    expect(role).toMatchObject({
      status: 'missing',
      fix: expect.stringContaining(
        "Assign the User Administrator role to the app 'Takeover sync' in Entra admin center → Roles and administrators",
      ) as unknown,
    });
  });

  it('wrong secret: credentials missing with the AADSTS error, nothing else asked', async () => {
    const checks = await right(connector({ clientSecret: 'not-the-secret' }).diagnose());
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      area: 'credentials',
      status: 'missing',
      detail: expect.stringContaining('AADSTS7000215') as unknown,
      fix: expect.stringContaining('Certificates & secrets') as unknown,
    });
  });

  it('wrong domain, and a federated domain', async () => {
    const [wrong] = byArea(await right(connector({ domain: 'example.org' }).diagnose()), 'domain');
    expect(wrong).toMatchObject({ status: 'missing', detail: expect.stringContaining('is not a domain of tenant') as unknown });
    const [federated] = byArea(await right(connector({ domain: 'fabrikam.com' }).diagnose()), 'domain');
    expect(federated).toMatchObject({ status: 'missing', detail: expect.stringContaining('fabrikam.com is federated') as unknown });
  });

  it('missing permission: the password permission is missing; what it cannot read is unknown, with what to grant', async () => {
    emu.setAppPermissions(emu.app.clientId, ['User.Read.All']);
    const checks = await right(connector().diagnose());
    expect(checks.find((c) => c.name.startsWith('User-PasswordProfile.ReadWrite.All'))).toMatchObject({
      status: 'missing',
      fix: expect.stringContaining('User-PasswordProfile.ReadWrite.All') as unknown,
    });
    expect(byArea(checks, 'role')[0]).toMatchObject({
      status: 'unknown',
      fix: expect.stringContaining('RoleManagement.Read.Directory') as unknown,
    });
    expect(byArea(checks, 'domain')[0]).toMatchObject({ status: 'unknown', fix: expect.stringContaining('Domain.Read.All') as unknown });
  });

  it('quota headroom: past 80 % of the resource-unit budget is reported', async () => {
    emu.setQuota('appTenantResourceUnits', { limit: 6, windowSeconds: 3600 });
    const [quota] = byArea(await right(connector().diagnose()), 'quota');
    expect(quota).toMatchObject({ status: 'missing', detail: expect.stringContaining('x-ms-throttle-limit-percentage') as unknown });
  });
});
