import { Secret } from '@takeover/core';
import { externalUserId } from '@takeover/connector-kit';
import type { ScimTestServer } from '@takeover/connector-scim/testing';
import { fromScimError, scimTarget, startScimTestServer } from '@takeover/connector-scim/testing';
import { scimConnector } from '@takeover/connector-scim';

/** What the connector puts on the wire, seen through a recording fetch. */
describe('SCIM connector: the requests it sends', () => {
  let server: ScimTestServer;
  const sent: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return fetch(input, init);
  };
  const connector = () =>
    scimConnector({
      baseUrl: `${server.baseUrl}/`,
      bearerToken: Secret.of(server.token),
      displayName: 'SCIM',
      domain: 'example.com',
      fetch: recordingFetch,
    });

  beforeEach(async () => {
    server = await startScimTestServer();
    sent.length = 0;
  });
  afterEach(() => server.close());

  it('PATCHes /Users/{id} with replace operations for the password and attributes, bearer-authenticated', async () => {
    const created = await connector().resolve({
      primaryEmail: 'ada@example.com',
      create: { primaryEmail: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
    })();
    expect(created._tag).toBe('Right');
    const id = created._tag === 'Right' ? created.right.externalId : externalUserId('x');
    sent.length = 0;
    await connector().push({
      externalId: id,
      attributes: { familyName: 'King', department: 'ignored' },
      password: Secret.of('correct horse battery'),
    })();
    expect(sent).toEqual([
      {
        method: 'PATCH',
        url: `${server.baseUrl}/Users/${id}`,
        headers: { authorization: `Bearer ${server.token}`, accept: 'application/scim+json', 'content-type': 'application/scim+json' },
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'replace', path: 'name.familyName', value: 'King' },
            { op: 'replace', path: 'password', value: 'correct horse battery' },
          ],
        },
      },
    ]);
  });

  it('sends nothing when a push has nothing SCIM can take', async () => {
    const r = await connector().push({ externalId: externalUserId('any'), attributes: { department: 'Research' }, revokeSessions: true })();
    expect(r).toEqual({ _tag: 'Right', right: { passwordSet: false, sessions: 'unsupported', sessionsEnded: false } });
    expect(sent).toEqual([]);
  });

  it('quotes the userName in the filter as a JSON string', async () => {
    await connector().resolve({ primaryEmail: 'o"brien\\@example.com' })();
    expect(decodeURIComponent(sent[0]?.url ?? '')).toBe(`${server.baseUrl}/Users?filter=userName eq "o\\"brien\\\\@example.com"`);
  });

  it('scrubs a password the server quotes back, keeping the rest of its message', async () => {
    const seeded = await scimTarget(server).seedUser({
      primaryEmail: 'c@example.com',
      givenName: 'C',
      familyName: 'D',
      password: 'first-password',
    });
    server.injectFault({ kind: 'policy-reject', echoPassword: true });
    const r = await connector().push({ externalId: seeded, password: Secret.of('hunter2hunter2') })();
    expect(r).toEqual({
      _tag: 'Left',
      left: {
        _tag: 'permanent',
        reason: 'policy-rejected',
        provider: { status: 400, code: 'invalidValue', message: 'The password "[redacted]" does not satisfy the password policy' },
      },
    });
  });

  it('reads a 400 as policy-rejected only when it is about a password the request carried', () => {
    const about = (detail: string, carriedPassword: boolean) =>
      fromScimError(400, { status: '400', scimType: 'invalidValue', detail }, undefined, { carriedPassword, secrets: [] });
    expect(about('The password is too weak', true)).toMatchObject({ _tag: 'permanent', reason: 'policy-rejected' });
    expect(about('The password is too weak', false)).toMatchObject({ _tag: 'permanent', reason: 'invalid' });
    expect(about('emails[0].value is not an address', true)).toMatchObject({ _tag: 'permanent', reason: 'invalid' });
    expect(fromScimError(400, 'not json', undefined, { carriedPassword: true, secrets: [] })).toEqual({
      _tag: 'permanent',
      reason: 'invalid',
      provider: { status: 400, message: 'HTTP 400 without a SCIM error body' },
    });
  });

  it('reports a wrong bearer token as auth, without the token', async () => {
    const r = await scimConnector({
      baseUrl: server.baseUrl,
      bearerToken: Secret.of('stale-token-123'),
      displayName: 'S',
      domain: 'example.com',
    }).describe()();
    expect(r).toEqual({ _tag: 'Left', left: { _tag: 'auth', provider: { status: 401, message: 'Authorization required' } } });
  });

  it('declares that it cannot notice a password changed in the directory (R16) and has neither detection method', () => {
    const c = connector();
    expect(c.capabilities.externalChanges).toEqual({ atLogin: false, sweep: false });
    expect([c.externalPasswordChange, c.passwordChangesSince, c.lastPasswordChange]).toEqual([undefined, undefined, undefined]);
  });

  it("counts a request that tries to end a user's sessions (the conformance oracle), and the connector sends none", async () => {
    const target = scimTarget(server);
    const seeded = await target.seedUser({ primaryEmail: 's@example.com', givenName: 'S', familyName: 'T', password: 'first-password' });
    const other = await target.seedUser({ primaryEmail: 'o@example.com', givenName: 'O', familyName: 'T', password: 'first-password' });
    const r = await connector().push({ externalId: seeded, password: Secret.of('second-password'), revokeSessions: true })();
    expect(r).toMatchObject({ _tag: 'Right', right: { sessions: 'unsupported' } });
    expect(await target.sessionRevocations(seeded)).toBe(0);
    // What a connector that tried anyway would send (a vendor-style sessions sub-resource): answered 404, counted for that user only.
    const tried = await fetch(`${server.baseUrl}/Users/${seeded}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(tried.status).toBe(404);
    expect(await target.sessionRevocations(seeded)).toBe(1);
    expect(await target.sessionRevocations(other)).toBe(0);
  });
});
