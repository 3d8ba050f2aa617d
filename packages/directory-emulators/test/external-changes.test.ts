// R16 in the emulators: a password changed "as the user would" is visible to the detection a
// connector uses. Entra: lastPasswordChangeDateTime and GET /users/delta (Graph delta query:
// https://learn.microsoft.com/graph/delta-query-users); Google: the Reports API's activities.list
// for user_accounts and admin, with the documented lag in the realistic profile.
import type { Client } from '@microsoft/microsoft-graph-client';
import { admin_reports_v1 } from '@googleapis/admin';
import {
  DIRECTORY_USER_SCOPE,
  GOOGLE_REALISTIC_REPORTS_LAG_MS,
  REPORTS_AUDIT_READONLY_SCOPE,
  startEntraEmulator,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { entraGraphClient, googleDirectoryClients } from '@takeover/directory-emulators/testing';
import { failure } from './failure.js';

interface DeltaPage {
  value: Array<Record<string, unknown>>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

describe('Entra: /users/delta and a password changed by the user', () => {
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
            apps: [{ displayName: 'Takeover sync' }],
            users: ['a', 'b', 'c'].map((n) => ({ userPrincipalName: `${n}@contoso.com`, displayName: n, password: `Seeded-Pass-${n}9` })),
          },
        ],
      },
    });
    graph = entraGraphClient(emu);
  });
  afterAll(() => emu.close());

  /** Follows nextLinks to the deltaLink: every item of the round, and the deltaLink. */
  const round = async (
    first: string,
    pageSize?: number,
  ): Promise<{ items: Array<Record<string, unknown>>; deltaLink: string; pages: number }> => {
    const items: Array<Record<string, unknown>> = [];
    let url = first;
    for (let pages = 1; ; pages++) {
      const req = graph.api(url);
      const page = (await (pageSize === undefined ? req : req.header('Prefer', `odata.maxpagesize=${pageSize}`)).get()) as DeltaPage;
      items.push(...page.value);
      if (page['@odata.deltaLink'] !== undefined) return { items, deltaLink: page['@odata.deltaLink'], pages };
      if (page['@odata.nextLink'] === undefined) throw new Error('a delta page with neither nextLink nor deltaLink');
      url = page['@odata.nextLink'];
    }
  };

  it('the first round lists every user a page at a time; the deltaLink then lists only users whose selected properties changed, with $select kept', async () => {
    const first = await round('/users/delta?$select=id,lastPasswordChangeDateTime', 2);
    expect(first.pages).toBe(2);
    expect(first.items.map((u) => Object.keys(u).sort())).toEqual(first.items.map(() => ['id', 'lastPasswordChangeDateTime']));
    expect(first.items).toHaveLength(3);
    const quiet = await round(first.deltaLink);
    expect(quiet.items).toEqual([]);
    // An attribute change is not a change of the selected properties.
    await graph.api('/users/b@contoso.com').patch({ jobTitle: 'Engineer' });
    expect((await round(quiet.deltaLink)).items).toEqual([]);
    emu.advanceClock(2);
    expect(await emu.changePasswordAsUser('b@contoso.com', 'Users-Own-Pass-1')).toEqual({ _tag: 'Changed' });
    const next = await round(quiet.deltaLink);
    const b = emu.user('b@contoso.com');
    expect(next.items).toEqual([{ id: b?.id, lastPasswordChangeDateTime: expect.stringMatching(/Z$/) as unknown }]);
    expect(Date.parse(String(next.items[0]?.['lastPasswordChangeDateTime']))).toBe(
      Math.floor(Date.parse(b?.passwordSetAt ?? '') / 1000) * 1000,
    );
    expect(await emu.passwordMatches('b@contoso.com', 'Users-Own-Pass-1')).toBe(true);
    expect(emu.audit().at(-1)).toMatchObject({ activityDisplayName: 'Change user password', initiatedByUser: 'b@contoso.com' });
  });

  it('an unknown or forgotten token answers 410 syncStateNotFound (start a new round)', async () => {
    const e = await failure(graph.api('/users/delta?$deltatoken=made-up').get());
    expect(e).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
  });

  it('the user-style change follows the tenant policy and names no password in its refusal', async () => {
    const r = await emu.changePasswordAsUser('c@contoso.com', 'short');
    expect(r).toMatchObject({ _tag: 'Rejected' });
    expect(JSON.stringify(r)).not.toContain('short"');
    expect(await emu.changePasswordAsUser('nobody@contoso.com', 'Users-Own-Pass-1')).toEqual({ _tag: 'NoSuchUser' });
  });
});

describe('Google: Reports API user_accounts and admin password events', () => {
  let emu: GoogleEmulator;
  let reports: admin_reports_v1.Admin;
  beforeAll(async () => {
    emu = await startGoogleEmulator({
      scryptN: 1024,
      profile: 'realistic',
      propagationDelayMs: 0,
      seed: {
        domains: ['example.com'],
        users: [
          { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
          { primaryEmail: 'kim@example.com', givenName: 'Kim', familyName: 'Seed', password: 'Seeded-Pass-1' },
        ],
      },
    });
    emu.setDelegatedScopes(emu.credentials.client_email, [DIRECTORY_USER_SCOPE, REPORTS_AUDIT_READONLY_SCOPE]);
    reports = new admin_reports_v1.Admin({
      auth: googleDirectoryClients(emu, { scopes: [REPORTS_AUDIT_READONLY_SCOPE] }).auth,
      rootUrl: emu.url,
    });
  });
  afterAll(() => emu.close());

  it('a user changing their own password is user_accounts password_change/password_edit with the user as actor, listed only after the reports lag', async () => {
    const directory = googleDirectoryClients(emu, { scopes: [DIRECTORY_USER_SCOPE] }).directory;
    await directory.users.update({ userKey: 'kim@example.com', requestBody: { password: 'Admin-Set-Pass-1' } });
    expect(await emu.changePasswordAsUser('kim@example.com', 'Kims-Own-Pass-1')).toEqual({ _tag: 'Changed' });
    const list = async (applicationName: string, eventName: string) =>
      (await reports.activities.list({ userKey: 'all', applicationName, eventName })).data.items ?? [];
    expect(await list('user_accounts', 'password_edit')).toEqual([]); // not yet: the lag
    emu.advanceClock(GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
    expect(await list('user_accounts', 'password_edit')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ email: 'kim@example.com' }) as unknown,
        events: [{ type: 'password_change', name: 'password_edit' }],
      }),
    ]);
    const admin = await list('admin', 'CHANGE_PASSWORD');
    expect(admin.map((a) => [a.actor?.email, a.events?.[0]?.parameters?.[0]?.value])).toContainEqual([
      'admin@example.com',
      'kim@example.com',
    ]);
    const filtered = await reports.activities.list({
      userKey: 'all',
      applicationName: 'admin',
      eventName: 'CHANGE_PASSWORD',
      filters: 'USER_EMAIL==KIM@example.com',
    });
    expect((filtered.data.items ?? []).map((a) => a.events?.[0]?.parameters?.[0]?.value)).toEqual(['kim@example.com']);
    expect(
      (
        await reports.activities.list({
          userKey: 'all',
          applicationName: 'admin',
          eventName: 'CHANGE_PASSWORD',
          filters: 'USER_EMAIL==nobody@example.com',
        })
      ).data.items,
    ).toBeUndefined();
    expect(await emu.passwordMatches('kim@example.com', 'Kims-Own-Pass-1')).toBe(true);
  });

  it('startTime, endTime and pageToken narrow and page the list; a malformed time is 400 naming the field', async () => {
    for (let i = 0; i < 3; i++) await emu.changePasswordAsUser('kim@example.com', `Kims-Own-Pass-${i + 2}`);
    emu.advanceClock(GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
    const all = (await reports.activities.list({ userKey: 'all', applicationName: 'user_accounts' })).data.items ?? [];
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await reports.activities.list({ userKey: 'all', applicationName: 'user_accounts', maxResults: 2 });
    expect(first.data.items).toHaveLength(2);
    const second = await reports.activities.list({
      userKey: 'all',
      applicationName: 'user_accounts',
      maxResults: 2,
      pageToken: first.data.nextPageToken ?? '',
    });
    expect([...(first.data.items ?? []), ...(second.data.items ?? [])].map((a) => a.id?.uniqueQualifier)).toEqual(
      all.slice(0, 4).map((a) => a.id?.uniqueQualifier),
    );
    const later = await reports.activities.list({
      userKey: 'all',
      applicationName: 'user_accounts',
      startTime: new Date(Date.parse(all[0]?.id?.time ?? '') + 1).toISOString(),
    });
    expect(later.data.items).toBeUndefined();
    expect(
      await failure(reports.activities.list({ userKey: 'all', applicationName: 'user_accounts', startTime: 'yesterday' })),
    ).toMatchObject({ response: { status: 400, data: { error: { message: 'Invalid Input: startTime' } } } });
  });
});
