import { startGoogleEmulator } from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleDirectoryClients } from '@takeover/directory-emulators/testing';
import type { GoogleDirectoryClients } from '@takeover/directory-emulators/testing';
import { failure } from './failure.js';
import { signRs256 } from '../src/common/jwt.js';

const PASSWORD = 'Correct-Horse-42';
let emu: GoogleEmulator;
let google: GoogleDirectoryClients;
const logs: string[] = [];

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    log: (l) => logs.push(l),
    seed: {
      domains: ['example.com'],
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        {
          primaryEmail: 'bob@example.com',
          givenName: 'Bob',
          familyName: 'Builder',
          password: 'Seeded-Pass-1',
          aliases: ['robert@example.com'],
        },
        { primaryEmail: 'eve@example.com', givenName: 'Eve', familyName: 'Plain' },
      ],
    },
  });
  google = googleDirectoryClients(emu);
});
afterAll(() => emu.close());
afterEach(() => emu.clearFaults());

describe('Google emulator with @googleapis/admin and google-auth-library', () => {
  it('authenticates the JWT client through the redirected token endpoint', async () => {
    const { token } = await google.auth.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    expect(emu.requestCounts()['POST /token']).toBeGreaterThanOrEqual(1);
  });

  it('inserts, gets (by id, email and alias), lists and patches users', async () => {
    const created = await google.directory.users.insert({
      requestBody: { primaryEmail: 'carol@example.com', name: { givenName: 'Carol', familyName: 'Jones' }, password: PASSWORD },
    });
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({
      kind: 'admin#directory#user',
      primaryEmail: 'carol@example.com',
      name: { fullName: 'Carol Jones' },
    });
    expect(created.data).not.toHaveProperty('password');
    const id = created.data.id ?? '';
    expect((await google.directory.users.get({ userKey: id })).data.primaryEmail).toBe('carol@example.com');
    expect((await google.directory.users.get({ userKey: 'robert@example.com' })).data.primaryEmail).toBe('bob@example.com');

    const listed = await google.directory.users.list({ domain: 'example.com', query: 'email:carol@example.com' });
    expect(listed.data.users?.map((u) => u.id)).toEqual([id]);

    const patched = await google.directory.users.patch({ userKey: 'carol@example.com', requestBody: { name: { familyName: 'Smith' } } });
    expect(patched.data.name).toMatchObject({ givenName: 'Carol', familyName: 'Smith' });
    expect(emu.user(id)?.signOutCount).toBe(0);
    expect(await emu.passwordMatches(id, PASSWORD)).toBe(true);
  });

  it('a password change through update (PUT, patch semantics) audits CHANGE_PASSWORD and signs nobody out', async () => {
    const before = emu.user('bob@example.com');
    const res = await google.directory.users.update({
      userKey: 'bob@example.com',
      requestBody: { password: 'New-Pass-2024', changePasswordAtNextLogin: false },
    });
    expect(res.data.name).toMatchObject({ givenName: 'Bob', familyName: 'Builder' });
    const after = emu.user('bob@example.com');
    expect(after?.signOutCount).toBe(before?.signOutCount ?? 0);
    expect(await emu.passwordMatches('bob@example.com', 'New-Pass-2024')).toBe(true);
    expect(await emu.passwordMatches('bob@example.com', 'Seeded-Pass-1')).toBe(false);
    expect(emu.audit()).toContainEqual(
      expect.objectContaining({ eventName: 'CHANGE_PASSWORD', userEmail: 'bob@example.com', actorEmail: 'admin@example.com' }),
    );
  });

  it('signOut counts a sign-out and answers 204', async () => {
    const before = emu.user('eve@example.com')?.signOutCount ?? 0;
    const res = await google.directory.users.signOut({ userKey: 'eve@example.com' });
    expect(res.status).toBe(204);
    expect(emu.user('eve@example.com')?.signOutCount).toBe(before + 1);
  });

  it('accepts MD5, SHA-1 and crypt hashes and refuses bcrypt', async () => {
    const md5 = '5f4dcc3b5aa765d61d8327deb882cf99'; // md5("password")
    await google.directory.users.patch({ userKey: 'eve@example.com', requestBody: { password: md5, hashFunction: 'MD5' } });
    expect(emu.user('eve@example.com')?.passwordScheme).toBe('MD5');
    expect(await emu.passwordMatches('eve@example.com', 'password')).toBe(true);
    await google.directory.users.patch({
      userKey: 'eve@example.com',
      requestBody: { password: '5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8', hashFunction: 'SHA-1' },
    });
    expect(await emu.passwordMatches('eve@example.com', 'password')).toBe(true);
    const sha512crypt = `$6$rounds=5000$saltsalt$${'a'.repeat(86)}`;
    await google.directory.users.patch({ userKey: 'eve@example.com', requestBody: { password: sha512crypt, hashFunction: 'crypt' } });
    expect(emu.user('eve@example.com')?.passwordScheme).toBe('crypt');
    for (const bad of [`$6$rounds=20000$salt$${'a'.repeat(86)}`, `$2b$10$${'a'.repeat(53)}`]) {
      const e = await failure(
        google.directory.users.patch({ userKey: 'eve@example.com', requestBody: { password: bad, hashFunction: 'crypt' } }),
      );
      expect(e.response?.status).toBe(400);
      expect(e.response?.data).toEqual({
        error: { code: 400, message: 'Invalid Password', errors: [{ message: 'Invalid Password', domain: 'global', reason: 'invalid' }] },
      });
    }
  });
});

describe('Google errors reach the client with status, reason and message', () => {
  const expectGoogleError = (
    e: { response?: { status: number; data: unknown } },
    status: number,
    reason: string,
    message: string,
  ): void => {
    expect(e.response?.status).toBe(status);
    expect(e.response?.data).toMatchObject({ error: { code: status, message, errors: [expect.objectContaining({ reason, message })] } });
  };

  it('404 notFound', async () => {
    expectGoogleError(
      await failure(google.directory.users.get({ userKey: 'nobody@example.com' })),
      404,
      'notFound',
      'Resource Not Found: userKey',
    );
  });

  it('400 Invalid Password for too short, too long and non-ASCII passwords', async () => {
    for (const password of ['short1!', 'x'.repeat(101), 'pässwörd-long']) {
      expectGoogleError(
        await failure(google.directory.users.patch({ userKey: 'eve@example.com', requestBody: { password } })),
        400,
        'invalid',
        'Invalid Password',
      );
    }
  });

  it('400 on names and a missing password at insert; 409 duplicate', async () => {
    expectGoogleError(
      await failure(
        google.directory.users.insert({
          requestBody: { primaryEmail: 'x@example.com', name: { givenName: 'X', familyName: '<script>' }, password: PASSWORD },
        }),
      ),
      400,
      'invalid',
      'Invalid Given/Family Name: FamilyName',
    );
    expectGoogleError(
      await failure(
        google.directory.users.insert({ requestBody: { primaryEmail: 'x@example.com', name: { givenName: 'X', familyName: 'Y' } } }),
      ),
      400,
      'invalid',
      'Invalid Password',
    );
    expectGoogleError(
      await failure(
        google.directory.users.insert({
          requestBody: { primaryEmail: 'bob@example.com', name: { givenName: 'B', familyName: 'B' }, password: PASSWORD },
        }),
      ),
      409,
      'duplicate',
      'Entity already exists.',
    );
  });

  it('403 forbidden when the impersonated user is not an admin; 403 insufficientPermissions without the scope', async () => {
    const asBob = googleDirectoryClients(emu, { subject: 'bob@example.com' });
    expectGoogleError(
      await failure(asBob.directory.users.get({ userKey: 'eve@example.com' })),
      403,
      'forbidden',
      'Not Authorized to access this resource/api',
    );
    const noSecurity = googleDirectoryClients(emu, { scopes: ['https://www.googleapis.com/auth/admin.directory.user'] });
    expectGoogleError(
      await failure(noSecurity.directory.users.signOut({ userKey: 'eve@example.com' })),
      403,
      'insufficientPermissions',
      'Request had insufficient authentication scopes.',
    );
  });

  it('token endpoint: invalid_grant for an unknown subject or a wrong key, unauthorized_client for an undelegated scope', async () => {
    const unknown = await failure(googleDirectoryClients(emu, { subject: 'ghost@example.com' }).auth.getAccessToken());
    expect(unknown.message).toContain('invalid_grant');
    expect(unknown.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid email or User ID' });

    const other = await startGoogleEmulator({ scryptN: 1024 });
    try {
      const wrongKey = await failure(
        googleDirectoryClients(emu, {
          credentials: {
            ...emu.credentials,
            ...(other.credentials.private_key === undefined ? {} : { private_key: other.credentials.private_key }),
          },
        }).auth.getAccessToken(),
      );
      expect(wrongKey.response?.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    } finally {
      await other.close();
    }

    const scope = await failure(
      googleDirectoryClients(emu, { scopes: ['https://www.googleapis.com/auth/admin.directory.group'] }).auth.getAccessToken(),
    );
    expect(scope.response?.status).toBe(401);
    expect(scope.response?.data).toMatchObject({ error: 'unauthorized_client' });
  });

  it('token endpoint: an assertion outside its time window is invalid_grant', async () => {
    const now = Math.floor(Date.now() / 1000) - 7200;
    const assertion = signRs256(
      { kid: emu.credentials.private_key_id },
      {
        iss: emu.credentials.client_email,
        sub: emu.adminEmail,
        scope: 'https://www.googleapis.com/auth/admin.directory.user',
        aud: 'https://oauth2.googleapis.com/token',
        iat: now,
        exp: now + 3600,
      },
      emu.credentials.private_key ?? '',
    );
    const r = await fetch(emu.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('short-lived token') as unknown,
    });
  });

  it('401 authError for a forged or an expired access token', async () => {
    const call = (token: string) =>
      fetch(`${emu.url}admin/directory/v1/users/eve%40example.com`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const forged = await call('ya29.forged');
    expect(forged).toEqual({
      status: 401,
      body: {
        error: {
          code: 401,
          message: 'Invalid Credentials',
          errors: [
            { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
          ],
        },
      },
    });
    const fresh = googleDirectoryClients(emu);
    const { token } = await fresh.auth.getAccessToken();
    expect((await call(token ?? '')).status).toBe(200);
    emu.advanceClock(3601);
    try {
      expect((await call(token ?? '')).status).toBe(401);
    } finally {
      emu.advanceClock(-3601);
    }
  });

  it('malformed JSON and wrong types get Google errors, not a crash', async () => {
    const { token } = await google.auth.getAccessToken();
    const patch = (body: string) =>
      fetch(`${emu.url}admin/directory/v1/users/eve%40example.com`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': 'application/json' },
        body,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await patch('{"name": ')).toMatchObject({ status: 400, body: { error: { errors: [{ reason: 'parseError' }] } } });
    expect(await patch('{"suspended": "yes"}')).toMatchObject({ status: 400, body: { error: { message: 'Invalid Input: suspended' } } });
    expect(await patch('[1,2]')).toMatchObject({ status: 400 });
  });
});

describe('Google admin API', () => {
  it('seeds users over HTTP and lists by customer', async () => {
    const r = await fetch(`${emu.url}__admin/seed`, {
      method: 'POST',
      body: JSON.stringify({ users: [{ primaryEmail: 'zed@example.com', givenName: 'Zed', familyName: 'Z', password: 'Zed-Password-1' }] }),
    });
    expect(r.status).toBe(200);
    const listed = await google.directory.users.list({ customer: 'my_customer', query: "email='zed@example.com'" });
    expect(listed.data.users?.map((u) => u.primaryEmail)).toEqual(['zed@example.com']);
    const check = await fetch(`${emu.url}__admin/users/zed@example.com/password-check`, {
      method: 'POST',
      body: JSON.stringify({ password: 'Zed-Password-1' }),
    });
    expect(await check.json()).toEqual({ matches: true });
    expect((await fetch(`${emu.url}__admin/seed`, { method: 'POST', body: '{"users": [{"primaryEmail": 1}]}' })).status).toBe(400);
  });
});
