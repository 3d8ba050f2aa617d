// The Entra emulator as strict as the real service where it is awkward (docs/directories/microsoft-entra.md):
// propagation after create, form-decoded query strings, directory roles and privileged targets,
// federated domains, resource units for reads, strict assertion audience, the reads diagnose uses.
import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { ResponseType, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { FEDERATED_PASSWORD_MESSAGE, runEmulators, startEntraEmulator } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import {
  entraClientSecretCredential,
  entraFetchDispatcher,
  entraGraphClient,
  GRAPH_DEFAULT_SCOPE,
} from '@takeover/directory-emulators/testing';
import { signRs256 } from '../src/common/jwt.js';
import { failure } from './failure.js';

let emu: EntraEmulator;
let graph: Client;
const denied = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
const graphError = (e: { statusCode?: number; code?: unknown; message: string }) => ({
  status: e.statusCode,
  code: e.code,
  message: e.message,
});
const password = (n: number) => ({ passwordProfile: { password: `Strict-Pass-${n}x`, forceChangePasswordNextSignIn: false } });

beforeAll(async () => {
  emu = await startEntraEmulator({
    scryptN: 1024,
    seed: {
      tenants: [
        {
          displayName: 'Contoso',
          domains: ['contoso.com'],
          federatedDomains: ['fabrikam.com'],
          apps: [
            { displayName: 'Takeover sync', certificate: true },
            { displayName: 'Bare', permissions: ['User.ReadWrite.All'], directoryRoles: [] },
          ],
          users: [
            { userPrincipalName: 'jsmith@contoso.com', mail: 'j+smith@contoso.com', displayName: 'J Smith' },
            { userPrincipalName: 'j.smith@contoso.com', mail: 'j smith@contoso.com', displayName: 'J Space Smith' },
            { userPrincipalName: 'oneil@contoso.com', mail: "o'neil@contoso.com", displayName: "O'Neil" },
            { userPrincipalName: 'pct@contoso.com', mail: 'a%41b@contoso.com', displayName: 'Percent' },
            { userPrincipalName: 'zoe@contoso.com', mail: 'zoë@contoso.com', displayName: 'Zoë' },
            { userPrincipalName: 'root@contoso.com', displayName: 'Global Admin', roles: ['Global Administrator'] },
            { userPrincipalName: 'fed@fabrikam.com', displayName: 'Federated user' },
          ],
        },
      ],
    },
  });
  graph = entraGraphClient(emu);
});
afterAll(() => emu.close());
afterEach(() => {
  emu.setPropagationDelay(0);
  emu.setAppRoles(emu.app.clientId, ['User Administrator']);
  emu.setQuota('appTenantResourceUnits', { limit: 3500, windowSeconds: 10 });
});

describe('a. propagation after create (Designing for eventual consistency for Microsoft Entra)', () => {
  it('a user created by POST /users answers 404 Request_ResourceNotFound by id and UPN until the delay passed on the emulator clock', async () => {
    emu.setPropagationDelay(3000);
    const created = (await graph.api('/users').post({
      accountEnabled: true,
      displayName: 'New',
      mailNickname: 'new1',
      userPrincipalName: 'new1@contoso.com',
      passwordProfile: { password: 'Initial-Pass-1x' },
    })) as { id: string };
    for (const call of [
      graph.api(`/users/${created.id}`).get(),
      graph.api('/users/new1@contoso.com').get(),
      graph.api(`/users/${created.id}`).patch(password(1)),
      graph.api(`/users/${created.id}/revokeSignInSessions`).post({}),
    ]) {
      expect(graphError(await failure(call))).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    }
    emu.advanceClock(3);
    try {
      await graph.api(`/users/${created.id}`).patch(password(2));
      expect(await emu.passwordMatches(created.id, 'Strict-Pass-2x')).toBe(true);
    } finally {
      emu.advanceClock(-3);
    }
  });

  it('the realistic profile sets a few seconds; the default none', async () => {
    emu.setProfile('realistic');
    expect(emu.propagationDelayMs()).toBe(3000);
    emu.setProfile('default');
    expect(emu.propagationDelayMs()).toBe(0);
    const e = await startEntraEmulator({ scryptN: 1024, profile: 'realistic' });
    try {
      expect(e.propagationDelayMs()).toBe(3000);
    } finally {
      await e.close();
    }
  });
});

describe('b. query strings are form-decoded', () => {
  const byMail = async (filter: string) =>
    (
      (await graph.api('/users').filter(filter).select('userPrincipalName').get()) as { value: Array<{ userPrincipalName: string }> }
    ).value.map((u) => u.userPrincipalName);
  it('a raw + is a space: the unencoded filter finds the wrong account; the encoded one the right one', async () => {
    expect(await byMail("mail eq 'j+smith@contoso.com'")).toEqual(['j.smith@contoso.com']);
    expect(await byMail(encodeURIComponent("mail eq 'j+smith@contoso.com'"))).toEqual(['jsmith@contoso.com']);
  });
  it('doubled single quotes, %, and non-ASCII, each encoded', async () => {
    expect(await byMail(encodeURIComponent("mail eq 'o''neil@contoso.com'"))).toEqual(['oneil@contoso.com']);
    expect(await byMail(encodeURIComponent("mail eq 'a%41b@contoso.com'"))).toEqual(['pct@contoso.com']);
    expect(await byMail("mail eq 'a%41b@contoso.com'")).toEqual([]); // %41 read as "A"
    expect(await byMail(encodeURIComponent("mail eq 'zoë@contoso.com'"))).toEqual(['zoe@contoso.com']);
  });
});

describe('c. directory roles (Update user; Who can perform sensitive actions)', () => {
  it('an app without a reset role gets 403 on passwordProfile, not on other properties', async () => {
    emu.setAppRoles(emu.app.clientId, []);
    expect(graphError(await failure(graph.api('/users/jsmith@contoso.com').patch(password(3))))).toEqual(denied);
    await graph.api('/users/jsmith@contoso.com').patch({ jobTitle: 'Engineer' });
    const bare = emu.tenants[0]?.apps[1];
    if (bare === undefined) throw new Error('seed');
    expect(graphError(await failure(entraGraphClient(emu, { app: bare }).api('/users/jsmith@contoso.com').patch(password(4))))).toEqual(
      denied,
    );
  });

  it('a privileged target refuses password and sensitive properties unless the app holds Privileged Authentication Administrator', async () => {
    for (const body of [
      password(5),
      { accountEnabled: false },
      { mobilePhone: '+1 555' },
      { businessPhones: ['+1 555'] },
      { otherMails: ['x@y.z'] },
    ]) {
      expect(graphError(await failure(graph.api('/users/root@contoso.com').patch(body)))).toEqual(denied);
    }
    await graph.api('/users/root@contoso.com').patch({ jobTitle: 'Boss' });
    emu.setAppRoles(emu.app.clientId, ['Privileged Authentication Administrator']);
    await graph.api('/users/root@contoso.com').patch({ ...password(6), accountEnabled: true });
    expect(await emu.passwordMatches('root@contoso.com', 'Strict-Pass-6x')).toBe(true);
  });

  it('user roles set at run time make the user a privileged target', async () => {
    emu.setUserRoles('zoe@contoso.com', ['Helpdesk Administrator']);
    try {
      expect(graphError(await failure(graph.api('/users/zoe@contoso.com').patch(password(7))))).toEqual(denied);
    } finally {
      emu.setUserRoles('zoe@contoso.com', []);
    }
    await graph.api('/users/zoe@contoso.com').patch(password(8));
  });
});

describe('d. federated domains', () => {
  it('a user of a federated domain refuses passwordProfile (wording unconfirmed, errors.ts), not other properties', async () => {
    const e = graphError(await failure(graph.api('/users/fed@fabrikam.com').patch(password(9))));
    expect(e).toEqual({ status: 400, code: 'Request_BadRequest', message: FEDERATED_PASSWORD_MESSAGE });
    await graph.api('/users/fed@fabrikam.com').patch({ jobTitle: 'Federated' });
  });

  it('creating a user in a federated domain needs onPremisesImmutableId (wording unconfirmed)', async () => {
    const body = {
      accountEnabled: true,
      displayName: 'Fed new',
      mailNickname: 'fednew',
      userPrincipalName: 'fednew@fabrikam.com',
      passwordProfile: { password: 'Initial-Pass-2x' },
    };
    expect(graphError(await failure(graph.api('/users').post(body)))).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message: expect.stringContaining('onPremisesImmutableId') as unknown,
    });
    await graph.api('/users').post({ ...body, onPremisesImmutableId: 'aW1tdXRhYmxl' });
  });
});

describe('e. reads cost resource units (Microsoft Graph service-specific throttling limits)', () => {
  const raw = async (path: string, q: (c: ReturnType<Client['api']>) => ReturnType<Client['api']> = (c) => c) =>
    (await q(graph.api(path)).responseType(ResponseType.RAW).get()) as Response;
  it('GET /users costs 2, $select and $top under 20 take one off, GET by id 1; never below 1', async () => {
    expect((await raw('/users')).headers.get('x-ms-resource-unit')).toBe('2');
    expect((await raw('/users', (c) => c.select('id'))).headers.get('x-ms-resource-unit')).toBe('1');
    expect((await raw('/users', (c) => c.select('id').top(1))).headers.get('x-ms-resource-unit')).toBe('1');
    expect((await raw('/users/jsmith@contoso.com')).headers.get('x-ms-resource-unit')).toBe('1');
  });
  it('x-ms-throttle-limit-percentage past 80 % of the app+tenant budget, then 429 with Retry-After', async () => {
    emu.setQuota('appTenantResourceUnits', { limit: 10, windowSeconds: 3600 });
    for (let i = 0; i < 4; i++) await raw('/users');
    const r = await raw('/users');
    expect(r.headers.get('x-ms-throttle-limit-percentage')).toBe('1.00');
    const e = await failure(
      graph
        .api('/users/jsmith@contoso.com')
        .middlewareOptions([new RetryHandlerOptions(0, 0)])
        .get(),
    );
    expect(e.statusCode).toBe(429);
    expect((e.headers as Headers).get('retry-after')).not.toBeNull();
  });
});

describe('f. strict client assertion audience', () => {
  const assertion = (aud: string) => {
    const cert = emu.app.certificate;
    if (cert === undefined) throw new Error('seed');
    const now = Math.floor(Date.now() / 1000);
    const x5t = createHash('sha1').update(new X509Certificate(cert.certPem).raw).digest('base64url');
    return signRs256(
      { x5t },
      { aud, iss: emu.app.clientId, sub: emu.app.clientId, jti: randomUUID(), nbf: now, exp: now + 600 },
      createPrivateKey(cert.keyPem),
    );
  };
  const token = async (aud: string) => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emu.app.clientId,
      scope: GRAPH_DEFAULT_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion(aud),
    });
    const r = await fetch(`${emu.url}${emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: form,
      dispatcher: entraFetchDispatcher(emu),
    } as unknown as RequestInit);
    return { status: r.status, body: (await r.json()) as { error?: string; error_codes?: number[]; access_token?: string } };
  };
  it("an assertion for another tenant's (or host's) token endpoint is AADSTS50013; the tenant's own is accepted", async () => {
    expect(await token(`${emu.url}${emu.tenantId}/oauth2/v2.0/token`)).toMatchObject({ status: 200 });
    expect(await token(`${emu.url}00000000-0000-0000-0000-000000000000/oauth2/v2.0/token`)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_codes: [50013] },
    });
    expect(await token(`https://login.microsoftonline.com/${emu.tenantId}/oauth2/v2.0/token`)).toMatchObject({
      status: 401,
      body: { error_codes: [50013] },
    });
  });
});

describe('g. lastPasswordChangeDateTime, app token claims, role assignments and domains', () => {
  it('lastPasswordChangeDateTime moves on a password set, not on an attribute change', async () => {
    const read = async () =>
      ((await graph.api('/users/oneil@contoso.com').select('lastPasswordChangeDateTime').get()) as { lastPasswordChangeDateTime: string })
        .lastPasswordChangeDateTime;
    emu.advanceClock(60);
    try {
      await graph.api('/users/oneil@contoso.com').patch(password(10));
      const after = await read();
      expect(Date.parse(after)).toBeGreaterThanOrEqual(Date.now() + 59_000);
      await graph.api('/users/oneil@contoso.com').patch({ jobTitle: 'Same' });
      expect(await read()).toBe(after);
    } finally {
      emu.advanceClock(-60);
    }
  });

  it('app tokens carry roles (permissions) and oid (the service principal)', async () => {
    const { token } = await entraClientSecretCredential(emu).getToken(GRAPH_DEFAULT_SCOPE);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { roles: string[]; oid: string };
    expect(claims.oid).toBe(emu.app.servicePrincipalId);
    expect(claims.roles).toContain('User-PasswordProfile.ReadWrite.All');
  });

  it('roleAssignments by principalId (RoleManagement.Read.Directory) and domains/{id} (Domain.Read.All); 403 without', async () => {
    const sp = emu.app.servicePrincipalId;
    const list = (await graph
      .api('/roleManagement/directory/roleAssignments')
      .filter(encodeURIComponent(`principalId eq '${sp}'`))
      .expand('roleDefinition')
      .get()) as { value: Array<{ principalId: string; roleDefinition: { displayName: string } }> };
    expect(list.value.map((a) => a.roleDefinition.displayName)).toEqual(['User Administrator']);
    expect(await graph.api('/domains/fabrikam.com').get()).toMatchObject({
      id: 'fabrikam.com',
      authenticationType: 'Federated',
      isVerified: true,
    });
    expect(await graph.api('/domains/contoso.com').get()).toMatchObject({ authenticationType: 'Managed' });
    expect(graphError(await failure(graph.api('/domains/example.org').get()))).toMatchObject({
      status: 404,
      code: 'Request_ResourceNotFound',
    });
    const bare = emu.tenants[0]?.apps[1];
    if (bare === undefined) throw new Error('seed');
    const b = entraGraphClient(emu, { app: bare });
    expect(graphError(await failure(b.api('/domains/contoso.com').get()))).toEqual(denied);
    expect(
      graphError(
        await failure(
          b
            .api('/roleManagement/directory/roleAssignments')
            .filter(encodeURIComponent(`principalId eq '${sp}'`))
            .get(),
        ),
      ),
    ).toEqual(denied);
  });
});

describe('h. the realistic profile over the CLI and the admin API', () => {
  it('takeover-emulators --profile realistic; PUT /__admin/profile switches it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'takeover-entra-profile-'));
    const started = await runEmulators(['--profile', 'realistic', '--out', dir, '--quiet'], () => undefined);
    if (E.isLeft(started)) throw new Error(started.left.message);
    try {
      const { entra } = started.right;
      expect(entra.propagationDelayMs()).toBe(3000);
      const put = (body: unknown) =>
        fetch(`${entra.url}__admin/profile`, {
          method: 'PUT',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
          dispatcher: entraFetchDispatcher(entra),
        } as unknown as RequestInit).then(async (r) => await r.json());
      expect(await put({ profile: 'default' })).toEqual({ propagationDelayMs: 0 });
      expect(await put({ propagationDelayMs: 1500 })).toEqual({ propagationDelayMs: 1500 });
      expect(entra.propagationDelayMs()).toBe(1500);
    } finally {
      await started.right.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect(E.isLeft(await runEmulators(['--profile', 'sluggish'], () => undefined))).toBe(true);
  });
});
