// The Google emulator as strict as the real Admin SDK where it is awkward (docs/directories/google-workspace.md):
// propagation after users.insert, sessions that survive a password change, delegation and super-admin
// rights, the account's domains, form-decoded query strings, and the Reports API probe.
import {
  startGoogleEmulator,
  DIRECTORY_USER_SCOPE,
  GOOGLE_REALISTIC_PROPAGATION_DELAY_MS,
  GOOGLE_REALISTIC_REPORTS_LAG_MS,
  REPORTS_AUDIT_READONLY_SCOPE,
} from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleDirectoryClients } from '@takeover/directory-emulators/testing';
import type { GoogleDirectoryClients } from '@takeover/directory-emulators/testing';
import { admin_reports_v1 } from '@googleapis/admin';
import { failure } from './failure.js';

let emu: GoogleEmulator;
let google: GoogleDirectoryClients;

const googleError = (status: number, reason: string, message: string) => ({
  status,
  data: { error: { code: status, message, errors: [expect.objectContaining({ reason, message })] } },
});

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    profile: 'realistic',
    seed: {
      domains: ['example.com'],
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        { primaryEmail: 'kim@example.com', givenName: 'Kim', familyName: 'Seed', password: 'Seeded-Pass-1' },
        { primaryEmail: 'j+smith@example.com', givenName: 'Jo', familyName: 'Smith' },
        { primaryEmail: 'j.smith@example.com', givenName: 'Jay', familyName: 'Smith' },
      ],
    },
  });
  google = googleDirectoryClients(emu);
});
afterAll(() => emu.close());

describe('propagation after users.insert (users.insert reference: "User creation is not complete")', () => {
  it('the realistic profile: mutate calls answer 412, reads 404, until the emulator clock passes the delay', async () => {
    expect(emu.propagationDelayMs()).toBe(GOOGLE_REALISTIC_PROPAGATION_DELAY_MS);
    const created = await google.directory.users.insert({
      requestBody: { primaryEmail: 'new@example.com', name: { givenName: 'New', familyName: 'Hire' }, password: 'First-Pass-11' },
    });
    const id = created.data.id ?? '';
    expect(emu.user(id)?.creationCompletesAt).toBeDefined();
    expect(
      await failure(google.directory.users.update({ userKey: id, requestBody: { password: 'Second-Pass-22' } }, { retry: false })),
    ).toMatchObject({ response: googleError(412, 'conditionNotMet', 'User creation is not complete.') });
    expect(await failure(google.directory.users.signOut({ userKey: 'new@example.com' }))).toMatchObject({ response: { status: 412 } });
    expect(await failure(google.directory.users.get({ userKey: id }))).toMatchObject({
      response: googleError(404, 'notFound', 'Resource Not Found: userKey'),
    });
    expect(await emu.passwordMatches(id, 'Second-Pass-22')).toBe(false);

    emu.advanceClock(GOOGLE_REALISTIC_PROPAGATION_DELAY_MS / 1000);
    expect((await google.directory.users.update({ userKey: id, requestBody: { password: 'Second-Pass-22' } })).status).toBe(200);
    expect((await google.directory.users.get({ userKey: id })).data.primaryEmail).toBe('new@example.com');
    expect(emu.user(id)?.creationCompletesAt).toBeUndefined();
  });

  it('switchable per run: no delay once set to 0', async () => {
    emu.setPropagationDelay(0);
    try {
      const created = await google.directory.users.insert({
        requestBody: { primaryEmail: 'quick@example.com', name: { givenName: 'Quick', familyName: 'Hire' }, password: 'First-Pass-11' },
      });
      expect((await google.directory.users.get({ userKey: created.data.id ?? '' })).status).toBe(200);
    } finally {
      emu.setPropagationDelay(GOOGLE_REALISTIC_PROPAGATION_DELAY_MS);
    }
  });
});

describe("sessions (Reset a user's password: also reset the sign-in cookies; users.signOut)", () => {
  it("an admin password change keeps the user's sessions; signOut ends them and is counted", async () => {
    emu.signIn('kim@example.com');
    emu.signIn('kim@example.com');
    await google.directory.users.update({ userKey: 'kim@example.com', requestBody: { password: 'Changed-Pass-3' } });
    expect(emu.user('kim@example.com')).toMatchObject({ activeSessions: 2, signOutCount: 0 });
    expect((await google.directory.users.signOut({ userKey: 'kim@example.com' })).status).toBe(204);
    expect(emu.user('kim@example.com')).toMatchObject({ activeSessions: 0, signOutCount: 1 });
  });

  it('signOut needs admin.directory.user.security: 403 insufficientPermissions without it, sessions untouched', async () => {
    emu.signIn('kim@example.com');
    const noSecurity = googleDirectoryClients(emu, { scopes: [DIRECTORY_USER_SCOPE] });
    expect(await failure(noSecurity.directory.users.signOut({ userKey: 'kim@example.com' }))).toMatchObject({
      response: googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.'),
    });
    expect(emu.user('kim@example.com')?.activeSessions).toBe(1);
  });
});

describe('delegation and admin rights', () => {
  it('the token endpoint refuses a scope taken out of domain-wide delegation at run time', async () => {
    const clientEmail = emu.credentials.client_email;
    emu.setDelegatedScopes(clientEmail, [DIRECTORY_USER_SCOPE]);
    try {
      const refused = await failure(googleDirectoryClients(emu).auth.getAccessToken());
      expect(refused.response).toEqual(
        expect.objectContaining({
          status: 401,
          data: {
            error: 'unauthorized_client',
            error_description:
              'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
          },
        }),
      );
      expect((await googleDirectoryClients(emu, { scopes: [DIRECTORY_USER_SCOPE] }).auth.getAccessToken()).token).toMatch(/^ya29\./);
    } finally {
      emu.setDelegatedScopes(clientEmail, [
        DIRECTORY_USER_SCOPE,
        'https://www.googleapis.com/auth/admin.directory.user.readonly',
        'https://www.googleapis.com/auth/admin.directory.user.security',
      ]);
    }
  });

  it('a subject that is not a super admin gets a token but 403 forbidden on every call', async () => {
    emu.setSuperAdmin('kim@example.com', false);
    const asKim = googleDirectoryClients(emu, { subject: 'kim@example.com' });
    expect((await asKim.auth.getAccessToken()).token).toMatch(/^ya29\./);
    expect(await failure(asKim.directory.users.list({ customer: 'my_customer' }))).toMatchObject({
      response: googleError(403, 'forbidden', 'Not Authorized to access this resource/api'),
    });
    emu.setSuperAdmin('kim@example.com', true);
    expect((await asKim.directory.users.list({ customer: 'my_customer', maxResults: 1 })).status).toBe(200);
    emu.setSuperAdmin('kim@example.com', false);
  });
});

describe("the account's domains and form-decoded query strings", () => {
  it('users.list for a domain not in the account: 403 forbidden', async () => {
    expect(await failure(google.directory.users.list({ domain: 'not-ours.example.org' }))).toMatchObject({
      response: googleError(403, 'forbidden', 'Not Authorized to access this resource/api'),
    });
  });

  it("a raw + in the query is a space; the client's %2B is a +", async () => {
    const byClient = await google.directory.users.list({ domain: 'example.com', query: "email:'j+smith@example.com'" });
    expect(byClient.data.users?.map((u) => u.primaryEmail)).toEqual(['j+smith@example.com']);
    const { token } = await google.auth.getAccessToken();
    // Hand-built, unencoded: Google reads `email:j smith@example.com` and finds nobody (the duplicate-account bug).
    const raw = await fetch(`${emu.url}admin/directory/v1/users?domain=example.com&query=email:j+smith@example.com`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).not.toHaveProperty('users');
    const encoded = await fetch(`${emu.url}admin/directory/v1/users?domain=example.com&query=email:j%2Bsmith@example.com`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(((await encoded.json()) as { users?: Array<{ primaryEmail: string }> }).users?.map((u) => u.primaryEmail)).toEqual([
      'j+smith@example.com',
    ]);
  });

  it('a userKey path keeps + as +', async () => {
    expect((await google.directory.users.get({ userKey: 'j+smith@example.com' })).data.name?.givenName).toBe('Jo');
  });
});

describe('Reports API activities.list (admin.reports.audit.readonly)', () => {
  it('lists CHANGE_PASSWORD with the acting admin; refuses a token without the scope', async () => {
    emu.setDelegatedScopes(emu.credentials.client_email, [DIRECTORY_USER_SCOPE, REPORTS_AUDIT_READONLY_SCOPE]);
    const auth = googleDirectoryClients(emu, { scopes: [REPORTS_AUDIT_READONLY_SCOPE] }).auth;
    const reports = new admin_reports_v1.Admin({ auth, rootUrl: emu.url });
    emu.advanceClock(GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000); // the realistic profile's reports lag
    const res = await reports.activities.list({ userKey: 'all', applicationName: 'admin', eventName: 'CHANGE_PASSWORD' });
    expect(res.data.items?.[0]).toMatchObject({ actor: { email: 'admin@example.com' }, events: [{ name: 'CHANGE_PASSWORD' }] });
    expect((await reports.activities.list({ userKey: 'all', applicationName: 'user_accounts', maxResults: 1 })).data.items).toBeUndefined();
    const noScope = new admin_reports_v1.Admin({
      auth: googleDirectoryClients(emu, { scopes: [DIRECTORY_USER_SCOPE] }).auth,
      rootUrl: emu.url,
    });
    expect(await failure(noScope.activities.list({ userKey: 'all', applicationName: 'admin' }))).toMatchObject({
      response: { status: 403 },
    });
  });
});
