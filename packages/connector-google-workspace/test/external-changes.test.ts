// R16 through the Reports API, against the Google emulator with the googleapis client: a change the
// user made, or another admin, is reported (at login and in a sweep); the connector's own
// CHANGE_PASSWORD (its impersonated admin) never is; the reports lag hides a change until it passed.
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { Secret } from '@takeover/core';
import { externalUserId } from '@takeover/connector-kit';
import type { DirectoryConnector, PasswordChange } from '@takeover/connector-kit';
import {
  DIRECTORY_USER_SCOPE,
  DIRECTORY_USER_SECURITY_SCOPE,
  GOOGLE_REALISTIC_REPORTS_LAG_MS,
  REPORTS_AUDIT_READONLY_SCOPE,
  startGoogleEmulator,
} from '@takeover/directory-emulators';
import type { GoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator } from '@takeover/connector-google-workspace/testing';

let emu: GoogleEmulator;
let ours: DirectoryConnector;
let boss: DirectoryConnector;
const ok = async <A>(te: TaskEither<unknown, A>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`expected success: ${JSON.stringify(r.left)}`);
  return r.right;
};

beforeAll(async () => {
  emu = await startGoogleEmulator({
    scryptN: 1024,
    seed: {
      users: [
        { primaryEmail: 'admin@example.com', givenName: 'Ada', familyName: 'Admin', isAdmin: true },
        { primaryEmail: 'boss@example.com', givenName: 'Bo', familyName: 'Boss', isAdmin: true },
        { primaryEmail: 'kim@example.com', givenName: 'Kim', familyName: 'User', password: 'Seeded-Pass-1' },
      ],
    },
  });
  emu.setDelegatedScopes(emu.credentials.client_email, [DIRECTORY_USER_SCOPE, DIRECTORY_USER_SECURITY_SCOPE, REPORTS_AUDIT_READONLY_SCOPE]);
  ours = googleConnectorForEmulator(emu, { timeoutMs: 5000, detectExternalChanges: true });
  // Another admin of the same Workspace, working in "the console" (here: the same API as another subject).
  boss = googleConnectorForEmulator(emu, { timeoutMs: 5000, subject: 'boss@example.com' });
});
afterAll(() => emu.close());

describe('Google Workspace: external password changes from the Reports API', () => {
  it('declares detection only when given the Reports client', () => {
    expect(ours.capabilities.externalChanges).toEqual({ atLogin: true, sweep: true });
    expect(boss.capabilities.externalChanges).toEqual({ atLogin: false, sweep: false });
    expect(boss.passwordChangesSince).toBeUndefined();
  });

  it("our own push is not reported; another admin's set and the user's own change are, with who made them; the lag hides the latest until it passed", async () => {
    const kim = externalUserId(emu.user('kim@example.com')?.id ?? '');
    const login = ours.externalPasswordChange;
    const page = ours.passwordChangesSince;
    if (login === undefined || page === undefined) throw new Error('detection missing');
    // A whole sweep: one page per request (user_accounts, then admin), until the round ends.
    const sweep = (cursor: string | null) => async () => {
      const changes: PasswordChange[] = [];
      let at = cursor;
      let pages = 0;
      for (;;) {
        const p = await ok(page(at));
        pages += 1;
        changes.push(...p.changes);
        if (!p.more) return E.right({ changes, cursor: p.cursor, pages });
        at = p.cursor;
      }
    };
    const start = await ok(sweep(null));
    expect(start.changes).toEqual([]);
    expect(start.pages).toBe(2);
    await ok(ours.push({ externalId: kim, password: Secret.of('Ours-Pass-123') }));
    expect(await ok(login(kim))).toBeNull();
    const afterOurs = await ok(sweep(start.cursor));
    expect(afterOurs.changes).toEqual([]);

    emu.advanceClock(1);
    await ok(boss.push({ externalId: kim, password: Secret.of('Boss-Pass-123') }));
    expect(await ok(login(kim))).toMatchObject({ externalId: kim, by: 'boss@example.com' });
    expect((await ok(sweep(afterOurs.cursor))).changes).toEqual([expect.objectContaining({ externalId: kim, by: 'boss@example.com' })]);

    emu.setReportsLag(GOOGLE_REALISTIC_REPORTS_LAG_MS);
    emu.advanceClock(GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000); // the boss's set is listed
    await emu.changePasswordAsUser('kim@example.com', 'Kims-Own-Pass-1');
    expect(await ok(login(kim))).toMatchObject({ by: 'boss@example.com' }); // the user's change is not listed yet
    emu.advanceClock(GOOGLE_REALISTIC_REPORTS_LAG_MS / 1000);
    const latest = await ok(login(kim));
    expect(latest).toMatchObject({ externalId: kim, by: 'kim@example.com' });
    // The sweep's cursor overlaps the lag: a sweep after it still sees the change made before it.
    const swept = await ok(sweep(afterOurs.cursor));
    expect(swept.changes.map((c) => c.by).sort()).toEqual(['boss@example.com', 'kim@example.com']);
    emu.setReportsLag(0);
  });

  it('a cursor it did not give is refused as invalid, naming it', async () => {
    const sweep = ours.passwordChangesSince;
    if (sweep === undefined) throw new Error('detection missing');
    const r = await sweep('not-a-cursor')();
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'permanent', reason: 'invalid', provider: { code: 'bad-cursor' } } });
  });
});
