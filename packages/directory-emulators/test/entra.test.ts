import { generateClientCertificate, startEntraEmulator, PASSWORD_COMPLEXITY } from '@takeover/directory-emulators';
import type { EntraEmulator } from '@takeover/directory-emulators';
import {
  entraClientCertificateCredential,
  entraClientSecretCredential,
  entraFetchDispatcher,
  entraGraphClient,
  GRAPH_DEFAULT_SCOPE,
} from '@takeover/directory-emulators/testing';
import type { Client } from '@microsoft/microsoft-graph-client';
import { failure } from './failure.js';

let emu: EntraEmulator;
let graph: Client;

beforeAll(async () => {
  emu = await startEntraEmulator({
    scryptN: 1024,
    seed: {
      tenants: [
        {
          displayName: 'Contoso',
          domains: ['contoso.com'],
          apps: [
            { displayName: 'Takeover sync', certificate: true },
            { displayName: 'Read only', permissions: ['User.Read.All'] },
          ],
          users: [
            { userPrincipalName: 'alex@contoso.com', displayName: 'Alex Wilber', mail: 'alex@contoso.com', password: 'Seeded-Pass-1' },
            { userPrincipalName: 'root@contoso.com', displayName: 'Global Admin', privileged: true },
          ],
        },
      ],
    },
  });
  graph = entraGraphClient(emu);
});
afterAll(() => emu.close());
afterEach(() => emu.clearFaults());

const graphError = (e: { statusCode?: number; code?: unknown; message: string; body?: unknown }) => ({
  status: e.statusCode,
  code: e.code,
  message: e.message,
});

describe('Entra emulator with @azure/identity and @microsoft/microsoft-graph-client', () => {
  it('ClientSecretCredential and ClientCertificateCredential get tokens over HTTPS', async () => {
    const secret = await entraClientSecretCredential(emu).getToken(GRAPH_DEFAULT_SCOPE);
    expect(secret.token.split('.')).toHaveLength(3);
    const viaCert = entraGraphClient(emu, { credential: 'certificate' });
    const me = (await viaCert.api('/users/alex@contoso.com').get()) as { userPrincipalName: string };
    expect(me.userPrincipalName).toBe('alex@contoso.com');
  });

  it('creates a user (201), finds it by id, UPN and $filter, and patches attributes (204)', async () => {
    const created = (await graph.api('/users').post({
      accountEnabled: true,
      displayName: 'Megan Bowen',
      mailNickname: 'megan',
      userPrincipalName: 'megan@contoso.com',
      mail: 'megan@contoso.com',
      passwordProfile: { password: 'Correct-Horse-42', forceChangePasswordNextSignIn: false },
    })) as { id: string; userPrincipalName: string };
    expect(created.userPrincipalName).toBe('megan@contoso.com');
    expect(((await graph.api(`/users/${created.id}`).get()) as { displayName: string }).displayName).toBe('Megan Bowen');
    const found = (await graph.api('/users').filter("mail eq 'MEGAN@contoso.com'").select('id,accountEnabled').get()) as {
      value: Array<{ id: string; accountEnabled: boolean }>;
    };
    expect(found.value).toEqual([{ id: created.id, accountEnabled: true }]);
    await graph.api('/users/megan@contoso.com').patch({ jobTitle: 'Product manager', givenName: 'Megan' });
    expect(emu.user('megan@contoso.com')?.properties).toMatchObject({ jobTitle: 'Product manager', givenName: 'Megan' });
    expect(emu.user('megan@contoso.com')?.refreshTokensRevokedAt).toBeNull();
    expect(await emu.passwordMatches('megan@contoso.com', 'Correct-Horse-42')).toBe(true);
  });

  it('a password set revokes refresh tokens; revokeSignInSessions does too', async () => {
    await graph
      .api('/users/alex@contoso.com')
      .patch({ passwordProfile: { password: 'Brand-New-Pass-7', forceChangePasswordNextSignIn: false } });
    const after = emu.user('alex@contoso.com');
    expect(after?.refreshTokensRevokedAt).not.toBeNull();
    expect(after?.revocationCount).toBe(1);
    expect(await emu.passwordMatches('alex@contoso.com', 'Brand-New-Pass-7')).toBe(true);
    expect(await emu.passwordMatches('alex@contoso.com', 'Seeded-Pass-1')).toBe(false);
    expect(emu.audit()).toContainEqual(
      expect.objectContaining({ activityDisplayName: 'Reset user password', targetUserPrincipalName: 'alex@contoso.com' }),
    );
    const r = (await graph.api('/users/alex@contoso.com/revokeSignInSessions').post({})) as { value: boolean };
    expect(r.value).toBe(true);
    expect(emu.user('alex@contoso.com')?.revocationCount).toBe(2);
  });
});

describe('Entra errors reach the client with status, code and message', () => {
  it('400 Request_BadRequest with Microsoft’s message for passwords outside the policy', async () => {
    for (const password of ['short1A', 'alllowercase1', 'Pässwort-123', 'Password1!', 'Contoso-1!']) {
      const e = await failure(graph.api('/users/alex@contoso.com').patch({ passwordProfile: { password } }));
      expect(graphError(e)).toEqual({ status: 400, code: 'Request_BadRequest', message: PASSWORD_COMPLEXITY });
    }
    await graph
      .api('/users/alex@contoso.com')
      .patch({ passwordPolicies: 'DisableStrongPassword', passwordProfile: { password: 'alllowercase1' } });
  });

  it('404 Request_ResourceNotFound with innerError', async () => {
    const e = await failure(graph.api('/users/nobody@contoso.com').get());
    expect(graphError(e)).toEqual({
      status: 404,
      code: 'Request_ResourceNotFound',
      message: "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    });
    // The Graph client keeps the `error` object as `body` and lifts innerError's request-id and date.
    const body = JSON.parse(String(e.body)) as { innerError: Record<string, string> };
    expect(Object.keys(body.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    expect((e as unknown as { requestId: string }).requestId).toBe(body.innerError['request-id']);
  });

  it('403 Authorization_RequestDenied without the permission, or for a privileged user', async () => {
    const readOnly = emu.tenants[0]?.apps[1];
    if (readOnly === undefined) throw new Error('seed');
    const ro = entraGraphClient(emu, { app: readOnly });
    await ro.api('/users/alex@contoso.com').get();
    const denied = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
    expect(
      graphError(await failure(ro.api('/users/alex@contoso.com').patch({ passwordProfile: { password: 'Another-Pass-99' } }))),
    ).toEqual(denied);
    expect(
      graphError(await failure(graph.api('/users/root@contoso.com').patch({ passwordProfile: { password: 'Another-Pass-99' } }))),
    ).toEqual(denied);
  });

  it('permissions changed at run time apply to tokens issued afterwards', async () => {
    const before = emu.app.permissions;
    emu.setAppPermissions(emu.app.clientId, ['User.Read.All']);
    try {
      const e = await failure(
        entraGraphClient(emu)
          .api('/users/alex@contoso.com')
          .patch({ passwordProfile: { password: 'Another-Pass-99' } }),
      );
      expect(e.statusCode).toBe(403);
    } finally {
      emu.setAppPermissions(emu.app.clientId, before);
    }
  });

  it('400 on creation rules: unverified domain, duplicate UPN, missing property, unknown property, malformed JSON', async () => {
    const base = { accountEnabled: true, displayName: 'X', mailNickname: 'x', passwordProfile: { password: 'Correct-Horse-42' } };
    expect(graphError(await failure(graph.api('/users').post({ ...base, userPrincipalName: 'x@fabrikam.com' })))).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message: expect.stringContaining('verified domain') as unknown,
    });
    expect(graphError(await failure(graph.api('/users').post({ ...base, userPrincipalName: 'alex@contoso.com' })))).toMatchObject({
      status: 400,
      message: 'Another object with the same value for property userPrincipalName already exists.',
    });
    expect(
      graphError(await failure(graph.api('/users').post({ ...base, mailNickname: undefined, userPrincipalName: 'y@contoso.com' }))),
    ).toMatchObject({ status: 400, message: "Invalid value specified for property 'mailNickname' of resource 'User'." });
    expect(graphError(await failure(graph.api('/users/alex@contoso.com').patch({ favouriteColour: 'blue' })))).toMatchObject({
      status: 400,
      code: 'BadRequest',
    });
    const e = await failure(graph.api('/users/alex@contoso.com').header('content-type', 'application/json').patch('{"displayName": '));
    expect(graphError(e)).toMatchObject({ status: 400, code: 'BadRequest' });
  });

  it('token endpoint: a wrong secret is invalid_client AADSTS7000215; an unknown tenant fails discovery as with Entra', async () => {
    const wrong = await failure(entraClientSecretCredential(emu, { clientSecret: 'not-the-secret' }).getToken(GRAPH_DEFAULT_SCOPE));
    expect(wrong.message).toContain('AADSTS7000215');
    const app = { ...emu.app, tenantId: '00000000-0000-0000-0000-000000000000' };
    const tenant = await failure(entraClientSecretCredential(emu, { app }).getToken(GRAPH_DEFAULT_SCOPE));
    // Entra answers the unknown tenant's discovery document with 400 AADSTS90002; MSAL reports that as endpoints_resolution_error.
    expect(tenant.message).toContain('endpoints_resolution_error');
  });

  it('token endpoint: an unregistered certificate is invalid_client AADSTS700027', async () => {
    const stranger = generateClientCertificate('stranger');
    const e = await failure(
      entraClientCertificateCredential(emu, { pemWithKey: `${stranger.keyPem}\n${stranger.certPem}` }).getToken(GRAPH_DEFAULT_SCOPE),
    );
    expect(e.message).toContain('AADSTS700027');
  });

  it('wrong property types are 400, not a crash', async () => {
    expect(graphError(await failure(graph.api('/users/alex@contoso.com').patch({ accountEnabled: 'yes' })))).toEqual({
      status: 400,
      code: 'Request_BadRequest',
      message: "Invalid value specified for property 'accountEnabled' of resource 'User'.",
    });
    expect(graphError(await failure(graph.api('/users/alex@contoso.com').patch({ businessPhones: [1] })))).toMatchObject({ status: 400 });
    expect(graphError(await failure(graph.api('/users').filter("city eq 'Paris'").get()))).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
    });
  });

  it('401 InvalidAuthenticationToken for a forged or expired token', async () => {
    const { token } = await entraClientSecretCredential(emu).getToken(GRAPH_DEFAULT_SCOPE);
    const dispatcher = entraFetchDispatcher(emu);
    const call = async (t: string) => {
      const r = await fetch(`${emu.graphBaseUrl}v1.0/users/alex@contoso.com`, {
        headers: { authorization: `Bearer ${t}` },
        dispatcher,
      } as unknown as RequestInit);
      return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } };
    };
    expect((await call(token)).status).toBe(200);
    expect((await call(`${token.slice(0, -4)}AAAA`)).body.error).toMatchObject({ code: 'InvalidAuthenticationToken' });
    emu.advanceClock(3600);
    try {
      expect(await call(token)).toMatchObject({
        status: 401,
        body: { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } },
      });
    } finally {
      emu.advanceClock(-3600);
    }
  });
});
